// Locale catalogs are default exports so i18n.ts can load every namespace the same way.
/* eslint-disable no-restricted-syntax */
// Provider and field texts translate shared/catalog/*.ts (en/accounts.ts takes them from there).
const accounts = {
  title: '账号',
  add: '添加账号',
  edit: '编辑',
  listLabel: '账号',
  retryFailed_other: '重试 {{count}} 个失败的上传',
  empty: '还没有账号。',
  saved: '已保存“<name/>”。',
  needsReentryText:
    '已保存的密钥在这台电脑上无法读取（密钥已更换）。请编辑该账号并重新输入；在此之前上传到该账号会失败。',
  badges: {
    sandbox: '内置',
    needsReentry: '需要重新输入密钥',
  },
  vault: {
    secure: '密钥已使用系统钥匙串加密。',
    insecureTitle: '此处的密钥未受系统保护',
    insecureText:
      '它们使用与其存放在一起的密钥文件加密（或系统只提供明文存储）。任何能读取你用户文件夹的人都能读取它们。建议使用可以吊销的令牌。',
    note: '技术细节',
    kinds: {
      'os-keychain': '系统钥匙串',
      'key-file': '密钥文件',
    },
  },
  secret: {
    tag: '密钥',
    set: '已设置',
    notSet: '未设置',
    unreadable: '无法读取，请重新输入',
    clearing: '保存时将移除',
    replace: '替换',
    clear: '清除',
    keep: '保留已保存的值',
    undoClear: '保留',
    replacePlaceholder: '输入新值以替换',
    listLabel: '密钥',
  },
  test: {
    run: '测试连接',
    running: '正在测试…',
    ok: '连接正常。',
    failed: '测试失败：',
    unsupported: '该服务商无法在不上传文件的情况下测试；未发送任何内容。',
  },
  remove: {
    button: '移除',
    title: '移除“<name/>”？',
    question: '它保存的设置和密钥将被删除，其上传历史会保留。',
    confirm: '移除',
  },
  form: {
    addTitle: '添加账号',
    editTitle: '编辑“<name/>”',
    provider: '服务商',
    providerIs: '服务商：{{name}}',
    name: '账号名称',
    required: '必填',
    cancel: '取消',
    add: '添加账号',
    save: '保存',
    saving: '正在保存…',
    testing: '正在测试连接…',
    testFailed: '已保存，但连接测试失败：',
    testFailedHint: '请修改下方设置后再次保存（每次保存后都会测试），或保持现状。',
    keepAnyway: '保持已保存的设置',
    close: '关闭',
    none: '（无）',
    defaultOption: '（默认）',
    secretsCleared: '为安全起见，已清空你输入的密钥，请重新输入。',
    problems: {
      required: '必填。',
      number: '请输入数字。',
      url: '请输入 http:// 或 https:// 开头的 URL。',
    },
  },
  options: {
    none: '无',
    'content-md5': 'content-md5',
    presigned: '预签名',
    public: '公开',
    chat: '聊天文件',
    'user-avatar': '用户头像',
    'group-avatar': '群组头像',
    user: '用户',
    group: '群组',
    both: '两者',
    big: '大图',
    small: '小图',
    jpeg: 'JPEG',
    png: 'PNG',
    centre: '居中',
    attention: '视觉焦点',
  },
  providers: {
    'tencent-im': '腾讯云 IM',
    easemob: '环信聊天文件',
    s3: 'S3 兼容存储',
    tus: 'tus（可续传上传服务器）',
    'im-file-api': 'IM 服务器文件 API（预签名存储）',
    'oppo-push': 'OPPO 推送图片',
  },
  fields: {
    'tencent-im': {
      baseUrl: {
        label: 'API 基础 URL',
      },
      sdkAppId: {
        label: 'SDKAppID',
      },
      identifier: {
        label: 'Identifier（管理员账号）',
      },
      userSig: {
        label: 'UserSig',
      },
      fromAccount: {
        label: '发送方账号',
      },
      toAccount: {
        label: '接收方账号或群组 ID',
      },
    },
    easemob: {
      baseUrl: {
        label: 'REST API 域名',
        help: '你的应用所在集群的 REST 域名，可在环信控制台查到。',
      },
      orgName: {
        label: 'Org 名称',
      },
      appName: {
        label: 'App 名称',
      },
      clientId: {
        label: 'Client ID',
      },
      clientSecret: {
        label: 'Client Secret',
      },
      restrictAccess: {
        label: '限制访问（下载需要分享密钥）',
        help: '需要环信为你的应用开通受限访问功能。',
      },
      thumbnailWidth: {
        label: '缩略图宽度（像素）',
      },
      thumbnailHeight: {
        label: '缩略图高度（像素）',
      },
    },
    s3: {
      endpoint: {
        label: '服务端点',
      },
      region: {
        label: '区域',
      },
      bucket: {
        label: '存储桶',
      },
      keyPrefix: {
        label: '对象键前缀',
        help: '对象保存为 <前缀>yyyy/mm/<哈希>-<文件名>。',
      },
      pathStyle: {
        label: '路径风格寻址',
        help: '把存储桶放在路径中而不是主机名中；MinIO 及许多自建服务需要开启。',
      },
      checksumMode: {
        label: '校验',
        help: 'content-md5 会在发送前对每个分片计算哈希；服务要求 Content-MD5 时使用。Ferry 从不发送部分服务会拒绝的新版 x-amz-checksum 请求头。',
      },
      accessKeyId: {
        label: 'Access Key ID',
      },
      secretAccessKey: {
        label: 'Secret Access Key',
      },
      linkMode: {
        label: '链接',
        help: '预签名链接会过期；公开链接需要存储桶（或 CDN）公开提供对象。',
      },
      linkExpirySeconds: {
        label: '预签名链接有效期（秒）',
        help: '最长 604800（7 天）。',
      },
      publicBaseUrl: {
        label: '公开访问基础 URL',
        help: '用于公开链接：对象键会拼接在其后。',
      },
      maxParts: {
        label: '每次上传的最大分片数',
        help: '部分 S3 兼容服务只允许 1000 个。',
      },
      partConcurrency: {
        label: '并行发送的分片数',
      },
    },
    tus: {
      endpoint: {
        label: '创建 URL',
        help: '创建新上传的地址（tus 客户端 POST 的 URL）。',
      },
      chunkSize: {
        label: '分块大小（字节）',
        help: '每个分块一个请求；中断的上传最多重发一个分块。被代理以过大为由拒绝的分块会对半拆分后重发。',
      },
      authHeaderName: {
        label: '认证请求头名称',
      },
      authHeaderValue: {
        label: '认证请求头的值',
        help: '设置后随每个请求发送。',
      },
      publicUrlTemplate: {
        label: '公开 URL 模板',
        help: '用于分享的链接，可包含 {id}（上传 ID）和 {name}（文件名）。留空则使用上传 URL 本身。',
      },
    },
    'im-file-api': {
      baseUrl: {
        label: 'IM 服务器 URL',
      },
      appId: {
        label: 'App ID（app_id）',
      },
      accessToken: {
        label: '访问令牌',
        help: '过期时（错误 402）请重新登录并在此粘贴新令牌。',
      },
      userId: {
        label: '以用户 ID 身份上传',
        help: '仅限管理员令牌：以该用户身份上传（user_id 请求头）。',
      },
      groupId: {
        label: '以群组管理员身份上传的群组 ID',
        help: '仅限管理员令牌：以该群组管理员身份上传（group_id 请求头）。',
      },
      targetKind: {
        label: '上传为',
        help: '发给用户或群组的聊天文件，或新的用户/群组头像。',
      },
      toId: {
        label: '接收方 ID（to_id）或头像群组 ID',
        help: '聊天文件和群组头像必填。',
      },
      toType: {
        label: '接收方类型',
      },
      sharedFile: {
        label: '作为共享文件上传',
        help: '使用共享文件类型（200-203），而不是聊天文件类型（100-104）。',
      },
    },
    'oppo-push': {
      baseUrl: {
        label: 'API 基础 URL',
        help: '你的应用所在区域：新加坡、香港、美国弗吉尼亚、法兰克福、日本或巴西。',
      },
      appKey: {
        label: 'AppKey',
      },
      masterSecret: {
        label: 'Master Secret',
      },
      storageAccountId: {
        label: '存储账号',
        help: '图片先通过该账号（填名称或 ID）上传：OPPO 通过 URL 拉取图片，因此其链接必须公开可访问（S3、腾讯云 IM、tus、环信可以；IM 文件接口不行）。',
      },
      pictures: {
        label: '图片',
        help: 'big：984×369，≤ 1 MB；small：144×144 图标，≤ 50 KB；both：每个文件各生成一张。',
      },
      format: {
        label: '格式',
      },
      crop: {
        label: '裁剪',
        help: '裁剪到 OPPO 尺寸时保留图片的哪一部分：居中，或最吸引目光的区域（可能适合人像照片，但可能把横幅的主体裁掉）。',
      },
    },
  },
};
export default accounts;
