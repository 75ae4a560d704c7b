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
    title: '桌面应用',
    clipboardShortcut: '上传剪贴板的快捷键',
    clipboardShortcutHint:
      '在任何应用中都可使用：剪贴板上的图片、文件或 data URL 会上传到默认账号。点“录制”后按下按键；也可以直接输入，按键之间用 + 连接。留空表示不使用快捷键。',
    defaultShortcut: '默认：{{shortcut}}',
    record: '录制',
    recording: '请按下按键…',
    useDefault: '恢复默认',
    shortcutOff: '未设置快捷键：只能从托盘菜单上传剪贴板。',
    shortcutNotSaved: '未保存：{{reason}}',
    shortcutUnavailable: '无法使用：其他应用（或系统）已占用 {{shortcut}}。请换一个。',
    copyLinksOnUpload: '上传完成后把链接复制到剪贴板',
    dropWindow: '显示拖放窗口：一个始终置顶的小窗口，拖入的文件上传到默认账号',
    notifications: '一批上传完成或失败时通知',
    notifyWhenFocused: 'Ferry 在前台时也通知',
    minimizeToTray: '关闭窗口后在托盘中继续运行',
    desktopOnly:
      '以下设置用于桌面应用。在浏览器中没有全局快捷键、托盘、拖放窗口和系统通知：请把文件粘贴或拖入页面；一批文件完成或失败时，页面内会显示提示。',
  },
  shortcutIssues: {
    empty: '请按下一个组合键，例如 CommandOrControl+Alt+Shift+U。',
    spaces: '不能有空格；按键之间用 + 连接，例如 CommandOrControl+Alt+Shift+U。',
    'missing-key': '两个 + 之间缺少按键；+ 键本身请写作 Plus。',
    'key-not-last': '除修饰键（Ctrl、Alt、Shift、Command…）外只能有一个按键，并且放在最后。',
    'not-modifier': '“{{name}}”不是修饰键；请使用 Ctrl、Alt、Shift、Command、CommandOrControl 或 Super。',
    'no-key': '请在修饰键之后加一个按键，例如 CommandOrControl+Alt+Shift+U。',
    'unknown-key': '“{{name}}”不是快捷键可以使用的按键。',
    'modifier-twice': '同一个修饰键写了两次。',
    'needs-modifier': '请加上 Ctrl、Alt 或 Command；否则这个按键在所有应用中都会被占用。',
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
