/**
 * A compact multi-choice filter: a button showing what is chosen, opening a checklist. Built on
 * <details> so it opens with Enter/Space and closes with Escape or a click elsewhere.
 */
import { useEffect, useRef } from 'react';

/** Choose any number of options; none chosen means "any". */
export function MultiSelect<K extends string>(props: {
  label: string;
  options: readonly { key: K; label: string }[];
  value: readonly K[];
  onChange: (value: K[]) => void;
}) {
  const { label, options, value, onChange } = props;
  const ref = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    function close(e: Event) {
      const el = ref.current;
      if (el?.open && !(e.target instanceof Node && el.contains(e.target))) el.open = false;
    }
    function esc(e: KeyboardEvent) {
      const el = ref.current;
      if (e.key === 'Escape' && el?.open) {
        el.open = false;
        el.querySelector('summary')?.focus();
      }
    }
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', esc);
    };
  }, []);
  const chosen = options.filter((o) => value.includes(o.key));
  const text = chosen.length === 0 ? 'Any' : chosen.length <= 2 ? chosen.map((o) => o.label).join(', ') : `${chosen.length} chosen`;
  return (
    <details className="multi" ref={ref}>
      <summary className={`select multi-summary${chosen.length ? ' is-set' : ''}`} aria-label={`${label}: ${text}`}>
        <span className="multi-label">{label}</span> <span className="multi-value">{text}</span>
      </summary>
      <div className="multi-menu" role="group" aria-label={label}>
        {options.map((o) => (
          <label key={o.key} className="multi-option">
            <input
              type="checkbox"
              className="checkbox"
              checked={value.includes(o.key)}
              onChange={(e) => onChange(e.target.checked ? [...value, o.key] : value.filter((v) => v !== o.key))}
            />
            {o.label}
          </label>
        ))}
        {chosen.length ? (
          <button type="button" className="btn btn-small btn-ghost" onClick={() => onChange([])}>
            Clear
          </button>
        ) : null}
      </div>
    </details>
  );
}
