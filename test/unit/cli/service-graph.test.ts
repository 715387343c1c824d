import 'reflect-metadata';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import { ServiceGraph } from '../../../src/cli/service-graph.js';

const CONFIG = Symbol('CONFIG');
const calls: string[] = [];

@Injectable()
class Store {
  constructor(@Inject(CONFIG) readonly config: { name: string }) {}
  onModuleInit() {
    calls.push('store init');
  }
  onApplicationShutdown() {
    calls.push('store shutdown');
  }
}

@Injectable()
class Metrics {}

@Injectable()
class Templates {
  constructor(readonly dir: string = 'templates') {}
}

@Injectable()
class Service {
  constructor(
    readonly store: Store,
    readonly templates: Templates,
    @Optional() readonly metrics?: Metrics,
  ) {}
  onModuleInit() {
    calls.push('service init');
  }
  onApplicationBootstrap() {
    calls.push('service bootstrap');
  }
  onApplicationShutdown() {
    calls.push('service shutdown');
  }
}

@Injectable()
class Other {
  constructor(readonly store: Store) {}
}

@Injectable()
class Needy {
  constructor(@Inject('MISSING') readonly missing: unknown) {}
}

describe('ServiceGraph (the CLI builds the services a command uses)', () => {
  it('builds what the constructors need, once, with the given values; leaves optional ones out and plain parameters to their defaults', () => {
    const config = { name: 'test' };
    const graph = new ServiceGraph([[CONFIG, config]]).add([Service, Other]);
    const service = graph.get(Service);
    expect(service.store.config).toBe(config);
    expect(graph.get(Other).store).toBe(service.store);
    expect(service.templates.dir).toBe('templates');
    expect(service.metrics).toBeUndefined();
    expect(graph.get(Store)).toBe(service.store);
  });

  it('runs the lifecycle hooks in Nest order: what is needed first, shutdown in reverse', async () => {
    calls.length = 0;
    const graph = new ServiceGraph([[CONFIG, {}]]).add([Service]);
    await graph.start();
    expect(calls).toEqual(['store init', 'service init', 'service bootstrap']);
    await graph.close();
    expect(calls.slice(3)).toEqual(['service shutdown', 'store shutdown']);
  });

  it('names what nothing provides, and refuses a service the command did not ask for', () => {
    expect(() => new ServiceGraph([]).add([Needy])).toThrow('cannot build Needy → MISSING: nothing provides MISSING');
    expect(() => new ServiceGraph([]).add([Service])).toThrow(/cannot build Service → Store → Symbol\(CONFIG\)/);
    expect(() => new ServiceGraph([[CONFIG, {}]]).add([Other]).get(Service)).toThrow('Service is not among the services this command asked for');
  });
});
