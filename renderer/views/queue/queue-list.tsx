import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useId, useLayoutEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyMenu } from '../../components/copy-menu.tsx';
import { usePageScroll } from '../../components/page-scroll.ts';
import { queueItems, sectionCounts, type QueueItem, type QueueSection } from '../../models/queue-sections.ts';
import type { TaskMap } from '../../models/task-list.ts';
import { useAppState, useAppStore } from '../../state/app-context.tsx';
import { LocalRow, TaskRow } from './task-row.tsx';
import { useDoneEntries, useLinkFormat, useQueueSections } from './use-queue.ts';

/** Estimates only: rows are measured once shown (a failed row's message can open to several lines). */
const rowHeight = 80;
const headerHeight = 48;

function isMeasured(item: QueueItem, tasks: TaskMap): boolean {
  if (item.kind === 'header') return true;
  if (item.kind === 'local') return item.item.state === 'failed';
  return tasks[item.taskId]?.state === 'failed';
}

/** One drop's heading: when, how far along, and "Copy all" of what is done, in input order. */
const SectionHeader = memo(function SectionHeader(props: { section: QueueSection; headingId: string }) {
  const { t, i18n } = useTranslation('queue');
  const { section } = props;
  const store = useAppStore();
  const version = useAppState((state) => state.taskStatesVersion);
  const localItems = useAppState((state) => state.localItems);
  const linkFormat = useLinkFormat();
  const done = useDoneEntries(section.keys);
  const counts = useMemo(
    () => sectionCounts(section, store.getState().tasks, localItems),
    // `version` stands for the tasks' states, which is all the counts read of them.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [store, section, version, localItems],
  );
  // Making a formatter costs far more than using one: once per language, not per render.
  const timeFormat = useMemo(
    () => new Intl.DateTimeFormat(i18n.language, { timeStyle: 'short' }),
    [i18n.language],
  );
  const time = section.createdAt < 0 ? '' : timeFormat.format(section.createdAt);
  return (
    <div
      className="queue-section-header"
      data-testid="queue-batch"
      data-total={counts.total}
      data-done={counts.done}
      data-handing-over={counts.handingOver}
    >
      <h3 className="queue-section-title" id={props.headingId}>
        {time === '' ? null : <span className="queue-section-time">{time}</span>}
        <span>{t('batch.files', { count: counts.total })}</span>
      </h3>
      <p className="queue-section-counts">
        <span>{t('totals.files', { done: counts.done, total: counts.total })}</span>
        {counts.handingOver > 0 ? (
          <span>{t('totals.handingOver', { count: counts.handingOver })}</span>
        ) : null}
        {counts.failed > 0 ? (
          <span className="is-failed">{t('totals.failed', { count: counts.failed })}</span>
        ) : null}
      </p>
      {done.length > 0 ? (
        <CopyMenu
          entries={done}
          defaultFormatId={linkFormat}
          describedBy={props.headingId}
          label={t('copyAll', { count: done.length })}
          testIdPrefix="batch-copy"
        />
      ) : null}
    </div>
  );
});

/**
 * The queue: newest batch first, each under its heading, files in the order they were dropped. Only the
 * rows in view (plus a few) are in the DOM, so 2,000 files scroll and update like 20; the list scrolls
 * with the page.
 */
export function QueueList() {
  const { t } = useTranslation('queue');
  const headingPrefix = useId();
  const sections = useQueueSections();
  const localItems = useAppState((state) => state.localItems);
  const batchCount = useAppState((state) => state.batches.length);
  const items = useMemo(() => queueItems(sections, localItems), [sections, localItems]);
  // Read, not subscribed to: this list re-renders when a task changes state (its sections move).
  const tasks = useAppStore().getState().tasks;
  const listRef = useRef<HTMLUListElement>(null);
  const scroll = usePageScroll(listRef);
  // The virtualizer's API returns functions React Compiler cannot memoize; this component opts out.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroll.element,
    estimateSize: (index) => (items[index]?.kind === 'header' ? headerHeight : rowHeight),
    overscan: 6,
    scrollMargin: scroll.margin,
    getItemKey: (index) => items[index]!.key,
  });

  // A new drop's rows appear at the top of the list: bring the top into view if the user scrolled away.
  const seenBatches = useRef(batchCount);
  useEffect(() => {
    if (batchCount <= seenBatches.current) {
      seenBatches.current = batchCount;
      return;
    }
    seenBatches.current = batchCount;
    const element = scroll.element;
    if (element !== null && element.scrollTop > scroll.margin) {
      element.scrollTo({ top: Math.max(0, scroll.margin - headerHeight * 2) });
    }
  }, [batchCount, scroll]);

  const listHeight = virtualizer.getTotalSize();
  useLayoutEffect(() => {
    // Through the CSSOM, which the CSP allows; a style attribute in markup would be refused.
    listRef.current?.style.setProperty('height', `${listHeight}px`);
  }, [listHeight]);

  // The list stays mounted while empty: the page scroll is measured from it once, at mount.
  return (
    <>
      {items.length === 0 ? <p className="empty">{t('empty')}</p> : null}
      <ul
        ref={listRef}
        className="queue-rows"
        data-testid="queue-list"
        aria-label={t('row.list')}
        hidden={items.length === 0}
      >
        {virtualizer.getVirtualItems().map((virtual) => {
          const item = items[virtual.index]!;
          return (
            <li
              key={virtual.key}
              // Only what can change height is measured (a layout per row per update otherwise): headers,
              // which wrap in a narrow window, and failed rows, whose message opens. Other rows are 80 px.
              ref={isMeasured(item, tasks) ? virtualizer.measureElement : undefined}
              data-index={virtual.index}
              className={item.kind === 'header' ? 'queue-item is-header' : 'queue-item'}
              style={{ transform: `translateY(${virtual.start - scroll.margin}px)` }}
            >
              {item.kind === 'header' ? (
                <SectionHeader section={item.section} headingId={`${headingPrefix}-${item.section.id}`} />
              ) : item.kind === 'task' ? (
                <TaskRow taskId={item.taskId} />
              ) : (
                <LocalRow item={item.item} />
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}
