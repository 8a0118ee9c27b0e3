/**
 * Failure patterns, computed as failures arrive. Each failed job is keyed by its job type, error
 * kind, the top frames of its own code and its message reduced to a template; failures that differ
 * only in parameters (symbols, ids, numbers, paths, dates) land in one FailureGroup. A group's id
 * is a hash of that key as first seen, so it does not change when the template widens, and the
 * whole state — templates, groups and admin merges — is plain JSON for the cache to store and load.
 *
 * ```ts
 * const grouping = FailureGrouping.fromJSON(storedState);   // or new FailureGrouping()
 * const { group } = grouping.assign({ jobType, errorMessage, errorStack, failedAt });
 * grouping.merge(a.id, b.id);          // later failures of either template count for b
 * save(grouping.toJSON());
 * ```
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { FailureGroup } from '../../../contract/failures.ts';
import { classifyFailure } from './failure-causes.ts';
import { messageTokens } from './message-template.ts';
import { errorKindOf, ownTopFrames, TOP_FRAME_COUNT } from './stack-frames.ts';
import { DEFAULT_TEMPLATE_TREE_OPTIONS, TemplateTree, type MinedTemplate, type TemplateTreeOptions } from './template-tree.ts';

/** One failed job as the grouping needs it. */
export interface FailureInput {
  jobType: string;
  errorMessage: string;
  errorStack?: string | null;
  /** The error's name or code when the record has one; otherwise the stack's first line names it. */
  errorKind?: string | null;
  /** When it failed (ISO-8601). */
  failedAt: string;
}

export interface FailureAssignment {
  group: FailureGroup;
  /** True when this failure started a new group. */
  created: boolean;
}

export interface FailureGroupingOptions extends TemplateTreeOptions {
  topFrameCount: number;
}

export const DEFAULT_GROUPING_OPTIONS: FailureGroupingOptions = { ...DEFAULT_TEMPLATE_TREE_OPTIONS, topFrameCount: TOP_FRAME_COUNT };

const STATE_VERSION = 1;

/** The stored form of a FailureGrouping (what `toJSON` writes and `fromJSON` reads). */
export const FailureGroupingState = z.object({
  version: z.literal(STATE_VERSION),
  options: z.object({
    prefixDepth: z.int().min(0).max(10),
    similarity: z.number().min(0).max(1),
    maxChildren: z.int().min(1),
    topFrameCount: z.int().min(0).max(10),
  }),
  templates: z.array(z.object({ id: z.string().min(1), tokens: z.array(z.string()), path: z.array(z.string()).min(2) })),
  groups: z.array(FailureGroup),
  /** Merged group id → the group it was merged into. */
  merges: z.record(z.string(), z.string()),
});
export type FailureGroupingState = z.infer<typeof FailureGroupingState>;

const SEP = '\u001f';

/** The deterministic id of a pattern first seen with this key. */
export function failureGroupId(jobType: string, errorKind: string, template: string, topFrames: readonly string[]): string {
  const hash = createHash('sha256').update([jobType, errorKind, template, ...topFrames].join(SEP)).digest('hex');
  return `fg-${hash.slice(0, 16)}`;
}

export class FailureGrouping {
  private readonly tree: TemplateTree;
  private readonly groupsById = new Map<string, FailureGroup>();
  private readonly merges = new Map<string, string>();

  constructor(readonly options: FailureGroupingOptions = DEFAULT_GROUPING_OPTIONS) {
    this.tree = new TemplateTree(options);
  }

  /** Restore a stored state; a state that does not parse is refused with what is wrong. */
  static fromJSON(json: unknown): FailureGrouping {
    const parsed = FailureGroupingState.safeParse(json);
    if (!parsed.success) throw new Error(`stored failure groups are not readable (${z.prettifyError(parsed.error).replace(/\s+/g, ' ')}); regroup the cached failures`);
    const state = parsed.data;
    const grouping = new FailureGrouping(state.options);
    for (const t of state.templates) grouping.tree.restore(t);
    for (const g of state.groups) grouping.groupsById.set(g.id, { ...g, topFrames: [...g.topFrames] });
    for (const [from, into] of Object.entries(state.merges)) grouping.merges.set(from, into);
    for (const t of state.templates) {
      if (!grouping.groupsById.has(grouping.resolve(t.id))) throw new Error(`stored failure groups are not readable (template ${t.id} has no group); regroup the cached failures`);
    }
    return grouping;
  }

  toJSON(): FailureGroupingState {
    return {
      version: STATE_VERSION,
      options: { ...this.options },
      templates: this.tree.templates().map((t) => ({ id: t.id, tokens: [...t.tokens], path: [...t.path] })),
      groups: this.groups(),
      merges: Object.fromEntries(this.merges),
    };
  }

  /** Put one failure in its group (new or existing) and count it there. */
  assign(failure: FailureInput): FailureAssignment {
    const at = instant(failure.failedAt);
    const key = this.keyOf(failure);
    const { template, created } = this.tree.place(key.partition, key.tokens, (tokens) => this.newGroupId(key, tokens.join(' ')));
    if (created) {
      const group: FailureGroup = {
        id: template.id,
        signature: template.tokens.join(' '),
        category: classifyFailure(failure.errorMessage, key.errorKind),
        jobType: failure.jobType,
        errorKind: key.errorKind,
        topFrames: key.topFrames,
        jobCount: 1,
        firstSeenAt: at,
        lastSeenAt: at,
      };
      this.groupsById.set(group.id, group);
      return { group: { ...group }, created: true };
    }
    const group = this.groupsById.get(this.resolve(template.id))!;
    if (group.id === template.id) group.signature = template.tokens.join(' ');
    group.jobCount++;
    if (Date.parse(at) < Date.parse(group.firstSeenAt)) group.firstSeenAt = at;
    if (Date.parse(at) > Date.parse(group.lastSeenAt)) group.lastSeenAt = at;
    return { group: { ...group }, created: false };
  }

  /** The id of the group this failure would join, or null for a new pattern; changes nothing. */
  groupIdFor(failure: Omit<FailureInput, 'failedAt'>): string | null {
    const key = this.keyOf(failure);
    const template = this.tree.find(key.partition, key.tokens);
    return template ? this.resolve(template.id) : null;
  }

  /**
   * Make `fromId` part of `intoId` (an admin saw that two templates are one problem): its count
   * and seen times move over, and its failures — past ids and future arrivals — resolve to `intoId`.
   */
  merge(fromId: string, intoId: string): FailureGroup {
    const from = this.groupsById.get(this.resolve(fromId));
    const into = this.groupsById.get(this.resolve(intoId));
    if (!from) throw new Error(`no failure group '${fromId}'`);
    if (!into) throw new Error(`no failure group '${intoId}'`);
    if (from.id === into.id) throw new Error(`failure groups '${fromId}' and '${intoId}' are already one group`);
    into.jobCount += from.jobCount;
    if (Date.parse(from.firstSeenAt) < Date.parse(into.firstSeenAt)) into.firstSeenAt = from.firstSeenAt;
    if (Date.parse(from.lastSeenAt) > Date.parse(into.lastSeenAt)) into.lastSeenAt = from.lastSeenAt;
    this.groupsById.delete(from.id);
    this.merges.set(from.id, into.id);
    // Keep every redirect one step long.
    for (const [a, b] of this.merges) if (b === from.id) this.merges.set(a, into.id);
    return { ...into };
  }

  /** The id a (possibly merged) group id stands for now. */
  resolve(id: string): string {
    return this.merges.get(id) ?? id;
  }

  group(id: string): FailureGroup | undefined {
    const g = this.groupsById.get(this.resolve(id));
    return g ? { ...g, topFrames: [...g.topFrames] } : undefined;
  }

  /** The current groups (merged ones are part of their target), in the order they appeared. */
  groups(): FailureGroup[] {
    return [...this.groupsById.values()].map((g) => ({ ...g, topFrames: [...g.topFrames] }));
  }

  /** The templates that make up a group: its own and those merged into it. */
  templatesOf(id: string): MinedTemplate[] {
    const target = this.resolve(id);
    return this.tree.templates().filter((t) => this.resolve(t.id) === target);
  }

  private keyOf(failure: Omit<FailureInput, 'failedAt'>): { partition: string; tokens: string[]; errorKind: string; topFrames: string[] } {
    const errorKind = failure.errorKind?.trim() || errorKindOf(failure.errorStack) || 'Error';
    const topFrames = ownTopFrames(failure.errorStack, this.options.topFrameCount);
    return { partition: [failure.jobType, errorKind, ...topFrames].join(SEP), tokens: messageTokens(failure.errorMessage), errorKind, topFrames };
  }

  private newGroupId(key: { partition: string; errorKind: string; topFrames: string[] }, template: string): string {
    const jobType = key.partition.split(SEP)[0]!;
    const base = failureGroupId(jobType, key.errorKind, template, key.topFrames);
    let id = base;
    // A template widened past its first message can leave that message to start another with the
    // same text; a suffix keeps ids unique and still deterministic in arrival order.
    for (let n = 2; this.tree.has(id) || this.merges.has(id); n++) id = `${base}-${n}`;
    return id;
  }
}

function instant(value: string): string {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new Error(`failedAt '${value}' is not a time: give an ISO-8601 instant`);
  return new Date(ms).toISOString();
}
