// Nest's metadata keys as one small module: the package's root would load all of @nestjs/common.
import { OPTIONAL_DEPS_METADATA, PARAMTYPES_METADATA, SELF_DECLARED_DEPS_METADATA } from '@nestjs/common/constants.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a constructor of anything, as Nest's own `Type`
export type Type<T = unknown> = new (...args: any[]) => T;
type Token = Type | symbol | string;

interface Hooks {
  onModuleInit?(): unknown;
  onApplicationBootstrap?(): unknown;
  onModuleDestroy?(): unknown;
  beforeApplicationShutdown?(): unknown;
  onApplicationShutdown?(): unknown;
}

/**
 * The CLI's injector: builds the services a command asks for, and what their constructors need, from the
 * same metadata Nest reads (`@Injectable`, `@Inject(TOKEN)`, `@Optional`), then runs their lifecycle hooks
 * in Nest's order. A command thus calls the very services the server and the admin routes call, while its
 * process loads only their modules: no NestJS core, no app module (nor MJML, BullMQ, express…) it does
 * not use. Differences from the app's container, on purpose: an `@Optional()` dependency is left out
 * (health and metrics reporting mean nothing in a process that lives for one command), and a parameter
 * of a plain type (a string with a default) keeps its default, as the modules' factories do.
 */
export class ServiceGraph {
  private readonly instances = new Map<Token, unknown>();
  /** Built services, each after what it needs. */
  private readonly built: Hooks[] = [];
  private readonly building = new Set<Type>();

  constructor(values: [Token, unknown][]) {
    for (const [token, value] of values) this.instances.set(token, value);
  }

  /** One of the services `add` built (and so `start` started). */
  get<T>(type: Type<T>): T {
    if (!this.instances.has(type)) throw new Error(`${type.name} is not among the services this command asked for`);
    return this.instances.get(type) as T;
  }

  /** Builds each of these (and what they need) now, so that `start` runs every hook before a command works. */
  add(types: Type[]): this {
    for (const type of types) this.resolve(type, []);
    return this;
  }

  async start(): Promise<void> {
    for (const s of this.built) await s.onModuleInit?.();
    for (const s of this.built) await s.onApplicationBootstrap?.();
  }

  async close(): Promise<void> {
    const last = [...this.built].reverse();
    for (const s of last) await s.onModuleDestroy?.();
    for (const s of last) await s.beforeApplicationShutdown?.();
    for (const s of last) await s.onApplicationShutdown?.();
  }

  private resolve(token: Token, path: string[]): unknown {
    if (this.instances.has(token)) return this.instances.get(token);
    const name = typeof token === 'function' ? token.name : String(token);
    if (typeof token !== 'function') throw new Error(`cannot build ${[...path, name].join(' → ')}: nothing provides ${name}`);
    if (this.building.has(token)) throw new Error(`cannot build ${[...path, name].join(' → ')}: a cycle`);
    this.building.add(token);
    const instance = new token(...this.argumentsOf(token, [...path, name])) as Hooks;
    this.building.delete(token);
    this.instances.set(token, instance);
    this.built.push(instance);
    return instance;
  }

  private argumentsOf(type: Type, path: string[]): unknown[] {
    const declared = (Reflect.getMetadata(PARAMTYPES_METADATA, type) ?? []) as unknown[];
    const tokens = [...declared];
    for (const { index, param } of (Reflect.getMetadata(SELF_DECLARED_DEPS_METADATA, type) ?? []) as { index: number; param: Token }[]) tokens[index] = param;
    const optional = new Set((Reflect.getMetadata(OPTIONAL_DEPS_METADATA, type) ?? []) as number[]);
    return tokens.map((token, i) => {
      if (optional.has(i) || isPlain(token)) return undefined;
      return this.resolve(token as Token, path);
    });
  }
}

/** A parameter typed with a built-in (a `string` with a default): nothing to inject, the default applies. */
function isPlain(token: unknown): boolean {
  return token === String || token === Number || token === Boolean;
}
