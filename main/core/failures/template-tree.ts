/**
 * Template mining over masked messages with a fixed-depth tree (Drain: He et al., "Drain: An
 * Online Log Parsing Approach with Fixed Depth Tree", ICWS 2017; as in logpai's Drain3). A message
 * goes down by its partition (job type, error kind, top frames), its token count and its first
 * `prefixDepth` tokens, then joins the most similar template in that leaf when the share of equal
 * tokens reaches `similarity`; the positions where they differ become `<*>`. Otherwise it starts a
 * template of its own. Each message is placed once, as it arrives, in time independent of how many
 * came before (a leaf holds few templates), and the tree is plain data so it can be stored.
 */
import { isParameterToken, WILDCARD } from './message-template.ts';

export interface TemplateTreeOptions {
  /** How many leading tokens route a message (Drain's depth minus the length and root levels). */
  prefixDepth: number;
  /** Share of equal (non-wildcard) tokens from which a message joins a template. */
  similarity: number;
  /** Children per node before further tokens share the `<*>` branch (keeps the tree small). */
  maxChildren: number;
}

export const DEFAULT_TEMPLATE_TREE_OPTIONS: TemplateTreeOptions = { prefixDepth: 2, similarity: 0.5, maxChildren: 100 };

/** One template: its tokens (with `<*>` where its messages differ) and where it sits in the tree. */
export interface MinedTemplate {
  id: string;
  tokens: string[];
  /** Routing keys from the root to its leaf, fixed when the template was created. */
  path: string[];
}

interface TreeNode {
  children: Map<string, TreeNode>;
  templates: MinedTemplate[];
}

export interface TemplatePlacement {
  template: MinedTemplate;
  /** True when the message started a new template. */
  created: boolean;
}

function newNode(): TreeNode {
  return { children: new Map(), templates: [] };
}

/** A routing key for a token: parameters and tokens with digits all take the `<*>` branch. */
function routingKey(token: string): string {
  return isParameterToken(token) || /\d/.test(token) ? WILDCARD : token;
}

/** Literal values that stand in for a missing parameter ("exit code: null"). */
const EMPTY_VALUES = new Set(['null', 'undefined', 'none', 'true', 'false']);

/** A word of the sentence: letters, at least three, not a placeholder or an empty value. */
function isWord(token: string): boolean {
  return /^[A-Za-z]{3,}[,.;:]?$/.test(token) && !EMPTY_VALUES.has(token.replace(/[,.;:]$/, '').toLowerCase());
}

/**
 * Equal tokens (the template's wildcards not counted) and the template's wildcards; null when a
 * masked parameter faces a word of the sentence — masking found a value where the other message
 * has text, so the two say different things even when most of their words agree
 * ("expected the header …" against "expected 6 comma-separated values …").
 */
function similarity(template: readonly string[], tokens: readonly string[]): { share: number; wildcards: number } | null {
  if (template.length === 0) return { share: 1, wildcards: 0 };
  let equal = 0;
  let wildcards = 0;
  for (let i = 0; i < template.length; i++) {
    const a = template[i]!;
    const b = tokens[i]!;
    if (a === WILDCARD) wildcards++;
    else if (a === b) equal++;
    else if ((isParameterToken(a) && isWord(b)) || (isParameterToken(b) && isWord(a))) return null;
  }
  return { share: equal / template.length, wildcards };
}

export class TemplateTree {
  private readonly root = newNode();
  private readonly byId = new Map<string, MinedTemplate>();

  constructor(readonly options: TemplateTreeOptions = DEFAULT_TEMPLATE_TREE_OPTIONS) {}

  /**
   * Place a message (its masked tokens) in `partition`: join the closest template or start one
   * named by `idFor(tokens)`. A joined template is widened in place (its id stays).
   */
  place(partition: string, tokens: readonly string[], idFor: (tokens: readonly string[]) => string): TemplatePlacement {
    const leaf = this.descend(partition, tokens, true)!;
    const best = this.closest(leaf.node, tokens);
    if (best) {
      for (let i = 0; i < best.tokens.length; i++) if (best.tokens[i] !== tokens[i]) best.tokens[i] = WILDCARD;
      return { template: best, created: false };
    }
    const template: MinedTemplate = { id: idFor(tokens), tokens: [...tokens], path: leaf.path };
    if (this.byId.has(template.id)) throw new Error(`template id ${template.id} is taken`);
    leaf.node.templates.push(template);
    this.byId.set(template.id, template);
    return { template, created: true };
  }

  /** The template a message would join, without changing anything. */
  find(partition: string, tokens: readonly string[]): MinedTemplate | null {
    const leaf = this.descend(partition, tokens, false);
    return leaf ? this.closest(leaf.node, tokens) : null;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): MinedTemplate | undefined {
    return this.byId.get(id);
  }

  /** All templates in the order they were created. */
  templates(): MinedTemplate[] {
    return [...this.byId.values()];
  }

  /** Put back a stored template at its stored place (see `templates()`). */
  restore(template: MinedTemplate): void {
    if (this.byId.has(template.id)) throw new Error(`template id ${template.id} appears twice`);
    let node = this.root;
    for (const key of template.path) {
      let child = node.children.get(key);
      if (!child) node.children.set(key, (child = newNode()));
      node = child;
    }
    const copy: MinedTemplate = { id: template.id, tokens: [...template.tokens], path: [...template.path] };
    node.templates.push(copy);
    this.byId.set(copy.id, copy);
  }

  private closest(leaf: TreeNode, tokens: readonly string[]): MinedTemplate | null {
    let best: MinedTemplate | null = null;
    let bestShare = -1;
    let bestWildcards = -1;
    for (const t of leaf.templates) {
      if (t.tokens.length !== tokens.length) continue;
      const sim = similarity(t.tokens, tokens);
      if (!sim) continue;
      const { share, wildcards } = sim;
      if (share > bestShare || (share === bestShare && wildcards > bestWildcards)) {
        best = t;
        bestShare = share;
        bestWildcards = wildcards;
      }
    }
    return best && bestShare >= this.options.similarity ? best : null;
  }

  /**
   * Walk (and with `grow`, build) the path: partition, token count, the first tokens. A prefix
   * token without a branch of its own takes the `<*>` branch when the node is full (or, when only
   * looking, always).
   */
  private descend(partition: string, tokens: readonly string[], grow: boolean): { node: TreeNode; path: string[] } | null {
    const depth = Math.min(this.options.prefixDepth, tokens.length);
    const keys = [partition, String(tokens.length), ...tokens.slice(0, depth).map(routingKey)];
    let node = this.root;
    const path: string[] = [];
    for (let i = 0; i < keys.length; i++) {
      let key = keys[i]!;
      let child = node.children.get(key);
      if (!child && i >= 2 && (!grow || node.children.size >= this.options.maxChildren)) {
        key = WILDCARD;
        child = node.children.get(key);
      }
      if (!child) {
        if (!grow) return null;
        child = newNode();
        node.children.set(key, child);
      }
      path.push(key);
      node = child;
    }
    return { node, path };
  }
}
