import type { MediaType } from './history-model.ts';

/** Drawn with SVG shapes (no icon font, nothing fetched): what stands in for a missing thumbnail. */
/** `isData`: the label is the file's own extension (left as it is in every language), not a type name. */
export function FileTypeIcon(props: { type: MediaType; label: string; isData: boolean }) {
  return (
    <span className="file-type-icon" data-type={props.type}>
      <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path className="sheet" d="M6 2.5h8.5L19 7v14.5H6z" />
        <path className="fold" d="M14.5 2.5V7H19" />
        {props.type === 'image' ? (
          <>
            <circle className="glyph" cx="10" cy="11" r="1.6" />
            <path className="glyph" d="M7.5 19l3.5-4 2.2 2.4 1.8-1.9 2.5 3.5z" />
          </>
        ) : props.type === 'video' ? (
          <path className="glyph" d="M10 10.5v7l5.8-3.5z" />
        ) : props.type === 'audio' ? (
          <path
            className="glyph"
            d="M11 9.5l5-1.2v7.4a1.8 1.8 0 1 1-1.2-1.7v-3.8l-2.6.6v5.4a1.8 1.8 0 1 1-1.2-1.7z"
          />
        ) : (
          <path className="lines" d="M8.5 12h8M8.5 15h8M8.5 18h5" />
        )}
      </svg>
      <span className="file-type-label" translate={props.isData ? 'no' : undefined}>
        {props.label}
      </span>
    </span>
  );
}
