import type AnthropicSdk from '@anthropic-ai/sdk';

/** The Anthropic SDK's default export (the client class, with its error classes as statics). */
export type AnthropicClass = typeof AnthropicSdk;

let loaded: AnthropicClass | undefined;
let loading: Promise<AnthropicClass> | undefined;

/**
 * Loads the Anthropic SDK on first use (≈230 ms of start-up when bundled, issue 18 §3): a gateway
 * without an API key answers in direct mode and never needs it.
 */
export function loadAnthropicSdk(): Promise<AnthropicClass> {
  loading ??= import('@anthropic-ai/sdk').then(
    (module) => (loaded = module.default),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** Never constructed: while the SDK is not loaded, no error can be an instance of its classes. */
class NotLoaded extends Error {}
const notLoaded = new Proxy({}, { get: () => NotLoaded }) as unknown as AnthropicClass;

/** The SDK if {@link loadAnthropicSdk} has loaded it; otherwise stand-ins nothing is an instance of. */
export function anthropicSdkIfLoaded(): AnthropicClass {
  return loaded ?? notLoaded;
}
