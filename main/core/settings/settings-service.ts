/**
 * The core's settings and cluster list, read once through the SettingsStore (leniently: a bad file
 * keeps its good parts) and written back on every change, one write at a time.
 */
import { Settings, type SettingsPatch } from '../../../contract/admin-api.ts';
import type { SettingsStore } from '../ports.ts';
import { readCoreState, writeCoreState, type ClusterConfig, type CoreState } from './core-state.ts';

export class SettingsService {
  private state: CoreState = { settings: Settings.parse({}), clusters: [] };
  private writing: Promise<void> = Promise.resolve();
  /** Problems found in the stored data when it was loaded. */
  problems: string[] = [];

  constructor(private readonly store: SettingsStore) {}

  /** Read the stored state; never throws for bad data (an unreadable store is reported, defaults used). */
  async load(): Promise<CoreState> {
    let raw: unknown;
    try {
      raw = await this.store.read();
    } catch (error) {
      this.problems = [`The settings could not be read (${error instanceof Error ? error.message : String(error)}): defaults are used.`];
      return this.state;
    }
    const read = readCoreState(raw);
    this.problems = read.problems;
    this.state = { settings: read.settings, clusters: read.clusters };
    // Write the repaired form back once, so the problem is reported once.
    if (read.problems.length > 0) await this.persist();
    return this.state;
  }

  get settings(): Settings {
    return this.state.settings;
  }

  get clusters(): ClusterConfig[] {
    return this.state.clusters;
  }

  async update(patch: SettingsPatch): Promise<Settings> {
    this.state = { ...this.state, settings: Settings.parse({ ...this.state.settings, ...patch }) };
    await this.persist();
    return this.state.settings;
  }

  async saveClusters(clusters: readonly ClusterConfig[]): Promise<void> {
    this.state = { ...this.state, clusters: [...clusters] };
    await this.persist();
  }

  private persist(): Promise<void> {
    const value = writeCoreState(this.state);
    this.writing = this.writing.catch(() => {}).then(() => this.store.write(value));
    return this.writing;
  }
}
