import { Fragment } from 'react';
import { codePointLabel, nameParts } from '../../shared/hidden-characters.ts';

/**
 * A file name as the user's data, with every hidden character (direction override, zero-width,
 * control) drawn as its escape in a style of its own, so `photo\u202Egnp.exe` cannot pass for a PNG.
 * Plain-text places (tooltips, labels) use `escapeHidden` from the same module.
 */
export function FileNameText(props: { name: string }) {
  return (
    <>
      {nameParts(props.name).map((part, index) =>
        part.kind === 'text' ? (
          <Fragment key={index}>{part.text}</Fragment>
        ) : (
          <span key={index} className="hidden-char" title={codePointLabel(part.codePoint)}>
            {part.shown}
          </span>
        ),
      )}
    </>
  );
}
