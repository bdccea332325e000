// A service is its use cases bound to their dependencies: each use case is a function whose first
// argument is the context, kept in a file of its own; the service hands callers the rest.
type Bound<F> = F extends (ctx: never, ...args: infer A) => infer R ? (...args: A) => R : never;

export function bindAll<C, U extends Record<string, (ctx: C, ...args: never[]) => unknown>>(ctx: C, useCases: U): { [K in keyof U]: Bound<U[K]> } {
  return Object.fromEntries(Object.entries(useCases).map(([name, use]) => [name, (...args: never[]) => use(ctx, ...args)])) as { [K in keyof U]: Bound<U[K]> };
}
