import type { MainStrings } from './main-strings.ts';

export const zhCN: MainStrings = {
  tray: {
    idleTooltip: 'Ferry 就绪',
    busyTooltip: (active, percent, paused) => {
      const parts: string[] = [];
      if (active > 0) parts.push(`${active} 个正在上传${percent === null ? '' : `，${percent}%`}`);
      if (paused > 0) parts.push(`${paused} 个已暂停`);
      return `Ferry — ${parts.join('，')}`;
    },
    recentHeader: '最近上传 — 点击复制',
    noUploads: '还没有上传',
    copyLink: '复制链接',
    uploadClipboard: '上传剪贴板',
    dropWindow: '悬浮上传窗',
    pauseAll: '全部暂停',
    resumeAll: '全部继续',
    open: '打开 Ferry',
    quit: '退出 Ferry',
  },
  notifications: {
    uploadedOne: (name) => `已上传 ${name}`,
    uploadedMany: (count, failed) => `已上传 ${count} 个文件${failed > 0 ? `，${failed} 个失败` : ''}`,
    copiedOne: (name) => `已上传 ${name}，链接已复制`,
    copiedMany: (count, failed) => `已复制 ${count} 个链接${failed > 0 ? `，${failed} 个失败` : ''}`,
    moreLines: (count) => `（另有 ${count} 个）`,
    openHistory: '打开历史记录即可复制链接。',
    failedOne: (name) => `上传失败：${name}`,
    failedMany: (count) => `${count} 个上传失败`,
    andMore: (count) => `（另有 ${count} 个）`,
    clipboardEmptyTitle: '没有可上传的内容',
    clipboardEmptyBody: '剪贴板里没有图片，也没有复制的文件。',
    clipboardFailedTitle: '无法上传剪贴板',
  },
  shortcut: {
    taken: (accelerator) =>
      `Ferry 无法将 ${accelerator} 设为上传剪贴板的快捷键：其他应用（或系统）正在使用它。请在设置中换一个。`,
  },
  dialogs: {
    couldNotStart: 'Ferry 无法启动',
  },
};
