import './drop-window.css';

// The drop window's page (main/electron/drop-window.ts): it takes file drops and hands them to its
// preload, nothing else. No React, no contract: main uploads them to the default account.

interface DropApi {
  dropFiles(files: readonly File[]): Promise<boolean>;
}

type DropState = 'idle' | 'over' | 'sent' | 'refused';

/** Its few words, in the language main passes as ?lang=. */
const labels: Readonly<Record<'en' | 'zh-CN', Record<DropState, string>>> = {
  en: { idle: 'Drop to upload', over: 'Release to upload', sent: 'Uploading', refused: 'Not a file' },
  'zh-CN': { idle: '拖到这里上传', over: '松开即上传', sent: '正在上传', refused: '不是文件' },
};

export function dropLabels(lang: string | null): Record<DropState, string> {
  return lang === 'zh-CN' ? labels['zh-CN'] : labels.en;
}

function start(): void {
  const target = document.getElementById('drop-target');
  const label = document.getElementById('drop-label');
  if (target === null || label === null) return;
  const lang = new URLSearchParams(location.search).get('lang');
  const words = dropLabels(lang);
  document.documentElement.lang = lang === 'zh-CN' ? 'zh-CN' : 'en';
  const api = (window as unknown as { ferryDrop?: DropApi }).ferryDrop;
  let reset: ReturnType<typeof setTimeout> | undefined;

  const show = (state: DropState): void => {
    target.dataset.state = state;
    label.textContent = words[state];
    target.title = words.idle;
  };
  show('idle');

  // Counted, because dragenter/dragleave fire for every child the pointer crosses.
  let depth = 0;
  document.addEventListener('dragenter', (event) => {
    event.preventDefault();
    depth++;
    show('over');
  });
  document.addEventListener('dragover', (event) => {
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  });
  document.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) show('idle');
  });
  document.addEventListener('drop', (event) => {
    event.preventDefault();
    depth = 0;
    const files = [...(event.dataTransfer?.files ?? [])];
    void (async () => {
      const taken = files.length > 0 && api !== undefined && (await api.dropFiles(files));
      show(taken ? 'sent' : 'refused');
      clearTimeout(reset);
      reset = setTimeout(() => show('idle'), 1500);
    })();
  });
}

start();
