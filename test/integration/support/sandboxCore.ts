import { startStack, type Stack } from './stack';

/** The older name of {@link Stack}. */
export type SandboxCore = Stack;

/**
 * The older entry point of {@link startStack}: `startStack({ flags, env })`. Kept with its old
 * signature while the gateway test files import it (none passes core overrides, so the middle
 * argument must be empty); new tests call `startStack` from `./stack`.
 */
export function startSandboxCore(flags: string[] = [], _overrides: Record<string, never> = {}, env: NodeJS.ProcessEnv = {}): Promise<Stack> {
  return startStack({ flags, env });
}
