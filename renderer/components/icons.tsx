import {
  Check,
  ChevronDown,
  ChevronRight,
  Copy,
  ExternalLink,
  Info,
  LayoutGrid,
  List,
  Pencil,
  RotateCw,
  SlidersHorizontal,
  Trash,
  TriangleAlert,
  X,
} from 'lucide-react';

/**
 * Every icon the UI draws, as inline SVG (lucide). Characters such as ⓘ ↗ ✕ ▾ depend on the fonts
 * installed and show as empty boxes with some Linux defaults; SVG draws the same everywhere.
 */
const icons = {
  check: Check,
  chevronDown: ChevronDown,
  chevronRight: ChevronRight,
  close: X,
  copy: Copy,
  delete: Trash,
  details: Info,
  edit: Pencil,
  filters: SlidersHorizontal,
  grid: LayoutGrid,
  list: List,
  open: ExternalLink,
  retry: RotateCw,
  warning: TriangleAlert,
} as const;

export type IconName = keyof typeof icons;

/** Decorative: the control around it carries the name (a label or visually hidden text). */
export function Icon(props: { name: IconName; size?: number }) {
  const Svg = icons[props.name];
  return (
    <Svg className="icon" size={props.size ?? 16} strokeWidth={2} aria-hidden="true" focusable="false" />
  );
}

/**
 * A label that keeps its width while its text changes ("Copy" → "Copied" → "Copy failed"): every text
 * is laid out in the same grid cell and only the current one is visible, so the button is as wide as
 * the longest in every language and pushes nothing beside it.
 */
export function SwapLabel<Key extends string>(props: { texts: Readonly<Record<Key, string>>; current: Key }) {
  return (
    <span className="swap-label">
      {(Object.keys(props.texts) as Key[]).map((key) => (
        <span key={key} data-current={key === props.current ? '' : undefined}>
          {props.texts[key]}
        </span>
      ))}
    </span>
  );
}
