/**
 * The part of the Workers AI binding we use, so tests fake exactly this
 * (run(model, {messages, stream?}) → {response} or an event stream).
 */
export interface AiRunner {
  run(model: string, input: { messages: { role: string; content: string }[]; stream?: boolean }): Promise<unknown>;
}

/**
 * The optional AI binding (remote-only, so only the `ai` environment has it),
 * seen through the one shape we call. The generated `Ai` type's overloads do
 * not accept a model name from config, hence the single cast here.
 */
export const aiBinding = (env: Env): AiRunner | null => (env.AI ? (env.AI as unknown as AiRunner) : null);
