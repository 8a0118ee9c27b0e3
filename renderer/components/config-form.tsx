/**
 * Form fields for a job type's configuration, generated from its zod schema in contract/ (via
 * z.toJSONSchema), so the fields, choices, bounds and defaults are the cluster's own. Validation
 * messages also come from the schema: the caller passes `fieldErrors` of a failed safeParse.
 */
import { useState } from 'react';
import { z } from 'zod';
import type { FieldError } from '../../contract/api.ts';
import type { JobType } from '../../contract/domain.ts';
import { JOB_CONFIG_SCHEMAS, STRATEGY_LABELS } from '../../contract/job-configs.ts';
import { humanize } from './format.ts';

interface JsonSchema {
  type?: string;
  enum?: string[];
  format?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
}

const schemaCache = new Map<JobType, JsonSchema>();

/** The JSON Schema (input side) of a job type's config. */
export function configJsonSchema(type: JobType): JsonSchema {
  let s = schemaCache.get(type);
  if (!s) {
    s = z.toJSONSchema(JOB_CONFIG_SCHEMAS[type], { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    schemaCache.set(type, s);
  }
  return s;
}

/** A config with every default filled in, as a starting point. */
export function defaultConfig(type: JobType): Record<string, unknown> {
  return JOB_CONFIG_SCHEMAS[type].parse({}) as Record<string, unknown>;
}

const OPTION_LABELS: Record<string, string> = { ...STRATEGY_LABELS, 'logistic-regression': 'Logistic regression', sharpe: 'Sharpe ratio', totalReturn: 'Total return', maxDrawdown: 'Max drawdown', 'jobs-summary': 'Jobs summary', 'sweep-results': 'Sweep results' };

function optionLabel(v: string): string {
  return OPTION_LABELS[v] ?? (v.length <= 4 ? v.toUpperCase() : humanize(v));
}

type Value = Record<string, unknown>;

/** The fields of one job type's configuration. */
export function ConfigForm({ type, value, onChange, errors }: { type: JobType; value: Value; onChange: (v: Value) => void; errors: readonly FieldError[] }) {
  const schema = configJsonSchema(type);
  return <ObjectFields schema={schema} value={value} onChange={onChange} errors={errors} path="" />;
}

function ObjectFields({ schema, value, onChange, errors, path }: { schema: JsonSchema; value: Value; onChange: (v: Value) => void; errors: readonly FieldError[]; path: string }) {
  return (
    <div className="form-grid">
      {Object.entries(schema.properties ?? {}).map(([key, prop]) => {
        const p = path ? `${path}.${key}` : key;
        const set = (v: unknown) => {
          const next = { ...value };
          if (v === undefined) delete next[key];
          else next[key] = v;
          onChange(next);
        };
        if (prop.type === 'object') {
          const sub = (value[key] as Value | undefined) ?? {};
          return (
            <fieldset key={key} className="group span-2">
              <legend>{humanize(key)}</legend>
              <ObjectFields schema={prop} value={sub} onChange={set} errors={errors} path={p} />
            </fieldset>
          );
        }
        return <Field key={key} name={key} path={p} schema={prop} value={value[key]} onChange={set} errors={errors.filter((e) => e.path === p || e.path.startsWith(`${p}.`))} />;
      })}
    </div>
  );
}

function bounds(s: JsonSchema): string {
  const lo = s.minimum ?? s.exclusiveMinimum;
  if (lo !== undefined && s.maximum !== undefined) return `${lo}–${s.maximum}`;
  if (lo !== undefined) return `≥ ${lo}`;
  return '';
}

function Field({ name, path, schema, value, onChange, errors }: { name: string; path: string; schema: JsonSchema; value: unknown; onChange: (v: unknown) => void; errors: readonly FieldError[] }) {
  const id = `cfg-${path.replace(/\./g, '-')}`;
  const invalid = errors.length > 0;
  const described = invalid ? `${id}-err` : undefined;
  const label = humanize(name);
  let control;
  let hint = '';
  if (schema.enum) {
    control = (
      <select id={id} className="select" value={String(value ?? schema.default ?? '')} onChange={(e) => onChange(e.target.value)} aria-invalid={invalid} aria-describedby={described}>
        {schema.enum.map((o) => (
          <option key={o} value={o}>
            {optionLabel(o)}
          </option>
        ))}
      </select>
    );
  } else if (schema.type === 'array' && schema.items?.enum) {
    const chosen = Array.isArray(value) ? (value as string[]) : [];
    control = (
      <div className="checks" role="group" aria-label={label} aria-describedby={described}>
        {schema.items.enum.map((o) => (
          <label key={o} className="check">
            <input type="checkbox" className="checkbox" checked={chosen.includes(o)} onChange={(e) => onChange(e.target.checked ? [...chosen, o] : chosen.filter((c) => c !== o))} />
            {optionLabel(o)}
          </label>
        ))}
      </div>
    );
  } else if (schema.type === 'array') {
    const numeric = schema.items?.type === 'number' || schema.items?.type === 'integer';
    hint = numeric ? 'Comma-separated numbers' : 'Comma-separated';
    control = <ListInput id={id} value={value} numeric={numeric} onChange={onChange} invalid={invalid} described={described} />;
  } else if (schema.type === 'number' || schema.type === 'integer') {
    hint = bounds(schema);
    control = (
      <input
        id={id}
        className="input"
        type="number"
        step={schema.type === 'integer' ? 1 : 'any'}
        value={value === undefined || value === null ? '' : String(value)}
        placeholder={schema.default !== undefined ? String(schema.default) : ''}
        onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
        aria-invalid={invalid}
        aria-describedby={described}
      />
    );
  } else {
    const date = schema.format === 'date';
    control = (
      <input
        id={id}
        className="input"
        type={date ? 'date' : 'text'}
        value={typeof value === 'string' ? value : ''}
        placeholder={schema.default !== undefined ? String(schema.default) : 'optional'}
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
        aria-invalid={invalid}
        aria-describedby={described}
      />
    );
  }
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {control}
      {invalid ? (
        <span id={described} className="field-error" role="alert">
          {errors.map((e) => e.message).join('; ')}
        </span>
      ) : hint ? (
        <span className="field-hint">{hint}</span>
      ) : null}
    </div>
  );
}

/** A comma-separated list, kept as typed so partial input ("ALPH, ") is not reformatted under the cursor. */
function ListInput({ id, value, numeric, onChange, invalid, described }: { id: string; value: unknown; numeric: boolean; onChange: (v: unknown) => void; invalid: boolean; described?: string }) {
  const [text, setText] = useState(() => (Array.isArray(value) ? value.join(', ') : ''));
  return (
    <input
      id={id}
      className="input"
      value={text}
      aria-invalid={invalid}
      aria-describedby={described}
      onChange={(e) => {
        setText(e.target.value);
        const parts = e.target.value
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean);
        onChange(parts.length === 0 ? undefined : numeric ? parts.map(Number) : parts);
      }}
    />
  );
}
