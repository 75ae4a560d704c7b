import { useLayoutEffect, useState, type RefObject } from 'react';

/** The element the whole page scrolls in (app.tsx's main area). */
const pageScrollerSelector = '.app-main';

export interface PageScroll {
  /** Null until the list is mounted. */
  element: HTMLElement | null;
  /** How far below the top of the scrolled content the list starts (TanStack Virtual's scrollMargin). */
  margin: number;
}

/**
 * A virtual list that scrolls with the page rather than in a box of its own: one scroll bar, and the
 * toolbar and filters above it scroll away instead of eating the window's height. The list's offset in
 * the page is measured again whenever anything in the page changes size (a banner, an opened filter row).
 */
export function usePageScroll(list: RefObject<HTMLElement | null>): PageScroll {
  const [scroll, setScroll] = useState<PageScroll>({ element: null, margin: 0 });

  useLayoutEffect(() => {
    const node = list.current;
    const element = node?.closest<HTMLElement>(pageScrollerSelector) ?? null;
    if (node === null || element === null) return;
    const measure = () => {
      // Hidden (display: none) it has no box to measure; it is measured again once it is shown.
      if (node.getClientRects().length === 0) return;
      const margin = Math.round(
        node.getBoundingClientRect().top - element.getBoundingClientRect().top + element.scrollTop,
      );
      setScroll((current) =>
        current.element === element && current.margin === margin ? current : { element, margin },
      );
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    observer.observe(node);
    for (const child of element.children) observer.observe(child);
    // What sits above the list inside its own view (toolbars, prompts) moves it too.
    for (
      let sibling = node.previousElementSibling;
      sibling !== null;
      sibling = sibling.previousElementSibling
    )
      observer.observe(sibling);
    return () => observer.disconnect();
  }, [list]);

  return scroll;
}
