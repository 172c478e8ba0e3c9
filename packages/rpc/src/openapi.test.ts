import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { METHODS } from './methods.ts';
import { rpcOpenApiDocument } from './server.ts';

type Operation = { operationId?: string; summary?: string; responses?: Record<string, { description?: string }> };

describe('rpcOpenApiDocument', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const doc = await rpcOpenApiDocument();
    expect(doc['openapi']).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
    // and the validator does look: a broken copy is refused
    const broken = structuredClone(doc) as { paths: Record<string, Record<string, Record<string, unknown>>> };
    (broken.paths['/status'] as Record<string, Record<string, unknown>>)['get'] = { responses: 'none' };
    await expect(SwaggerParser.validate(broken as never)).rejects.toThrow();
  });

  it('documents every method as a REST operation named after its JSON-RPC method', async () => {
    const doc = (await rpcOpenApiDocument()) as { paths: Record<string, Record<string, Operation>> };
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })),
    );
    for (const m of METHODS) {
      const route = `${m.rest.method} ${m.rest.url.replace(/:([a-z]+)/g, '{$1}')}`;
      expect(operations.find((o) => o.route === route)?.op.operationId, route).toBe(m.name);
    }
    for (const { route, op } of operations) {
      expect(op.summary, route).toBeTruthy();
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        expect(response.description, `${route} ${status}`).not.toBe('Default Response');
      }
    }
    expect(new Set(operations.map((o) => o.op.operationId)).size).toBe(operations.length);
  });
});
