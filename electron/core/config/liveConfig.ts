import type { Config } from './config';

/** The parts of the config the admin may change while the core runs (the rest needs a restart). */
export type LiveConfigPatch = Partial<
  Pick<Config, 'tallyfyApiKey' | 'tallyfyOrgId' | 'anthropicApiKey' | 'anthropicModel' | 'idleTimeoutMinutes'>
>;

/**
 * The running core's configuration: an immutable snapshot replaced on every change, and
 * listeners told after each. The one place the core reads settings that change live.
 */
export interface LiveConfig {
  /** The configuration now (frozen: replace it with {@link update}). */
  readonly current: Readonly<Config>;
  /** Applies a patch (`undefined` clears an optional value) and tells the listeners which keys changed. */
  update(patch: LiveConfigPatch): void;
  /** Listens until the returned function is called. */
  subscribe(listener: (config: Readonly<Config>, changed: readonly (keyof Config)[]) => void): () => void;
}

export function createLiveConfig(initial: Config): LiveConfig {
  let current: Readonly<Config> = Object.freeze({ ...initial });
  const listeners = new Set<(config: Readonly<Config>, changed: readonly (keyof Config)[]) => void>();
  return {
    get current() {
      return current;
    },
    update(patch) {
      const changed = (Object.keys(patch) as (keyof LiveConfigPatch)[]).filter((key) => patch[key] !== current[key]);
      if (changed.length === 0) return;
      const next: Config = { ...current };
      for (const key of changed) {
        if (patch[key] === undefined) delete next[key];
        else Object.assign(next, { [key]: patch[key] });
      }
      current = Object.freeze(next);
      for (const listener of [...listeners]) listener(current, changed);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
