// Locale catalogs are default exports so i18n.ts can load every namespace the same way.
/* eslint-disable no-restricted-syntax */

const processing = {
  title: '上传前的图片处理',
  intro: '此账户自己的选择；保持“应用默认”的项目遵循设置。默认会去除位置（GPS）信息。',
  appDefault: '应用默认',
  fields: {
    format: '转换为',
    quality: '质量（1–100）',
    maxSize: '缩放到不超过（不放大）',
    stripMetadata: '元数据',
    watermarkText: '水印文字',
    rename: '远程文件名模板',
    dedupe: '同一图片再次上传',
  },
  options: {
    format: { keep: '保持原格式', webp: 'WebP', avif: 'AVIF', jpeg: 'JPEG', png: 'PNG' },
    stripMetadata: {
      location: '仅去除位置',
      all: '去除全部元数据',
      none: '保留全部元数据',
    },
    dedupe: {
      true: '复用之前的链接，不再上传',
      false: '重新上传',
    },
  },
  maxSizePlaceholder: '例如 1920x1920（应用默认）',
  watermarkPlaceholder: '例如 © 我（应用默认）',
  renameOwnName: '文件自己的名字',
  renameHelp: '此服务没有文件夹：只使用最后一个“/”之后的部分。',
  renameHelpFolders: '“/” 会生成文件夹。时间为 UTC。',
  previewLabel: '一张照片会被命名为',
  previewS3: '在 S3 上（含文件夹）：',
  settings: {
    enabled: '上传前处理图片（关闭：按原样发送文件）',
    maxSizeHint: '宽x高，例如 1920x1920；留空：不限制。',
    noLimit: '不限制',
    none: '无',
    keepSmallerOriginal: '处理结果更大时发送原图（且无必须去除的信息）',
    renameHint: '留空：使用各服务自己的命名。时间为 UTC。',
    dedupe: '同一图片再次上传到同一账户：复用之前的链接，不再上传',
  },
  sizes: '{{before}} → {{after}}',
  sizesTitle: '上传前已处理：{{before}} 变为 {{after}}',
  metadataRemoved: '已去除：{{what}}',
  alreadyUploaded: '已于 {{date}} 上传过',
  alreadyUploadedTitle: '相同内容已于 {{date}} 上传；复用了其链接，未再发送',
  uploadOriginals: '上传原图',
  uploadAgain: '重新上传',
  uploadAgainHelp:
    '开启时添加的文件即使此账户已有相同内容也会重新上传（之前复用的链接可能已在服务器上被删除）。',
  uploadOriginalsHelp: '开启时添加的文件将按原样发送：不转换、不缩放、不去除信息。',
};
export default processing;
