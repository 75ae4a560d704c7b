import { useId, useState, type ReactNode } from 'react';

export function Field(props: {
  label: string;
  hint?: string;
  children: (id: string, hintId: string | undefined) => ReactNode;
}) {
  const id = useId();
  const hintId = props.hint === undefined ? undefined : `${id}-hint`;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.children(id, hintId)}
      {props.hint === undefined ? null : (
        <p className="field-hint" id={hintId}>
          {props.hint}
        </p>
      )}
    </div>
  );
}

export function Toggle(props: {
  label: string;
  checked: boolean;
  disabled?: boolean;
  onChange: (checked: boolean) => void;
}) {
  const id = useId();
  return (
    <div className="field is-toggle">
      <input
        id={id}
        type="checkbox"
        checked={props.checked}
        disabled={props.disabled}
        onChange={(event) => props.onChange(event.target.checked)}
      />
      <label htmlFor={id}>{props.label}</label>
    </div>
  );
}

/**
 * A whole number typed freely and saved when the field is left (or Enter): saving per keystroke would
 * send "3" on the way to "36677". Out-of-range text goes back to the saved value.
 */
export function NumberInput(props: {
  id: string;
  hintId?: string | undefined;
  value: number;
  min: number;
  max: number;
  onCommit: (value: number) => void;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  const commit = () => {
    if (draft === null) return;
    const value = Number(draft);
    setDraft(null);
    if (Number.isInteger(value) && value >= props.min && value <= props.max && value !== props.value) {
      props.onCommit(value);
    }
  };
  return (
    <input
      id={props.id}
      type="number"
      inputMode="numeric"
      min={props.min}
      max={props.max}
      step={1}
      aria-describedby={props.hintId}
      value={draft ?? String(props.value)}
      onChange={(event) => setDraft(event.target.value)}
      onBlur={commit}
      onKeyDown={(event) => {
        if (event.key === 'Enter') commit();
      }}
    />
  );
}
