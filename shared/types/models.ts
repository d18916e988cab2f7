/** The Claude model the gateway uses when none is chosen (`ANTHROPIC_MODEL`, Settings → Model). */
export const defaultModel = 'claude-sonnet-5-5';

/** Models offered as suggestions in Settings → Model, the default first; any other model id may be typed. */
export const modelSuggestions: readonly string[] = [defaultModel, 'claude-sonnet-4-5', 'claude-opus-4-1', 'claude-haiku-4-5'];
