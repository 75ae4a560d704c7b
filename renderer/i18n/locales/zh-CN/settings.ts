// Locale catalogs are default exports so i18n.ts can load every namespace the same way.
/* eslint-disable no-restricted-syntax */
const settings = {
  title: '设置',
  loading: '正在加载设置…',
  saveFailed: '设置未保存：',
  uploads: {
    title: '上传',
    concurrency: '同时上传的文件数',
    partSize: '分片大小（MiB）',
    partSizeHint: '0 表示由各服务商决定。用于 S3 和 tus。',
    defaultAccount: '默认账号',
    askEachTime: '每次询问',
    defaultAccountHint:
      '拖入、粘贴和本地接口上传到这里。选择“每次询问”时，如果有多个账号，每次拖入都会先询问。',
    uploadEmptyFiles: '空文件（0 字节）直接上传，不再询问',
    linkFormat: '默认链接格式',
  },
  formats: {
    url: '链接',
    markdown: 'Markdown',
    html: 'HTML',
    'tencent-im-message': '腾讯云 IM 消息元素',
    'easemob-message-body': '环信消息体',
  },
  appearance: {
    title: '外观',
    language: '语言',
    theme: '主题',
  },
  languages: {
    system: '跟随系统',
    en: '英语（English）',
    'zh-CN': '简体中文',
  },
  themes: {
    system: '跟随系统',
    light: '浅色',
    dark: '深色',
  },
  behaviour: {
    title: '通知与窗口',
    notifications: '一批上传完成或失败时通知',
    notifyWhenFocused: 'Ferry 在前台时也通知',
    minimizeToTray: '关闭窗口后在托盘中继续运行',
    desktopOnly:
      '以下设置用于桌面应用。在浏览器中没有托盘和系统通知：一批文件完成或失败时，页面内会显示提示。',
  },
  localApi: {
    title: '本地上传接口',
    hint: '在 127.0.0.1 上提供与 PicGo 兼容的接口，供 Typora、Obsidian 等工具使用。',
    capability:
      '任何持有此密钥的程序都能让 Ferry 把你能读取的任何文件（Ferry 自己的数据文件夹除外）上传到默认账号。只把它交给你信任的工具；一旦泄露，请更换。',
    enabled: '启用本地上传接口',
    port: '端口',
    secret: '密钥',
    secretHint:
      '工具必须携带此密钥。密钥由 Ferry 生成，不能修改。更换后请把新密钥填入你的工具：旧密钥立即失效。',
    noSecret: '启用接口后生成',
    copySecret: '复制密钥',
    rotateSecret: '更换密钥',
  },
};
export default settings;
