// Locale catalogs are default exports so i18n.ts can load every namespace the same way.
/* eslint-disable no-restricted-syntax */
const common = {
  appName: 'Ferry',
  nav: {
    label: '栏目',
    queue: '队列',
    history: '历史',
    accounts: '账号',
    settings: '设置',
  },
  account: {
    label: '账号',
    none: '没有账号',
  },
  connection: {
    lost: '与 Ferry 的连接已断开，正在重新连接…',
  },
  loadError: {
    retry: '重试',
  },
  notice: {
    dismiss: '关闭',
    'database-restored': 'Ferry 的数据库已损坏，已从备份恢复；该备份之后的更改已丢失。',
    'database-reset': 'Ferry 的数据库已损坏且没有可用的备份：账号、设置和历史记录都已清空。',
    details: '详情：',
  },
  copy: {
    link: '复制链接',
    copy: '复制',
    copied: '已复制',
    failed: '复制失败',
  },
  missingToken: {
    before: '此页面需要使用',
    after: '启动时打印的访问链接。打开该链接（以 #token=… 结尾）即可在浏览器中使用 Ferry。',
  },
  error: {
    providerSaid: '服务商返回：',
    providerCode: '代码 {{code}}',
  },
  errors: {
    'invalid-request': 'Ferry 拒绝了格式不正确的请求。',
    'unknown-command': 'Ferry 不认识此命令。',
    'account-not-found': '该账号已不存在。',
    'account-invalid': '账号设置无效。',
    'credentials-unreadable': '无法在这台电脑上读取该账号的密钥，请重新输入。',
    'credentials-rejected': '服务商拒绝了该账号的凭据。',
    'file-too-large': '文件超过了服务商允许的大小。',
    'file-type-unsupported': '服务商不接受这种类型的文件。',
    'image-invalid': '无法读取该图片。',
    'image-budget-unmet': '无法把图片压缩到服务商要求的大小。',
    'file-not-found': '文件已不存在。',
    'path-not-granted': 'Ferry 未获准读取此文件：请将它拖入窗口或在此处选择。',
    'folder-unsupported': '文件夹不能直接上传。',
    'file-unreadable': '无法读取该文件。',
    'file-changed': '文件在上传过程中被修改。',
    'provider-rejected': '服务商拒绝了这次上传。',
    'http-status': '服务商返回了错误。',
    network: '网络连接失败。',
    'malformed-response': '无法理解返回的内容。',
    cancelled: '上传已取消。',
    internal: 'Ferry 内部出错。',
  },
};
export default common;
