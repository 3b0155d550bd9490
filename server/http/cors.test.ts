import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCors, parseAllowedOrigins } from './cors.js';

let server: Server;
let openServer: Server;
let base: string;
let openBase: string;

/** A server that applies the policy, then answers 200 "artifact" to whatever is left. */
async function start(origins: string): Promise<[Server, string]> {
  const cors = createCors({ origins: parseAllowedOrigins(origins), maxAgeSeconds: 300 });
  const created = createServer((request, response) => {
    if (cors(request, response)) return;
    response.writeHead(200, { 'Content-Type': 'application/json', ETag: '"abc"' }).end('{"artifact":true}');
  });
  await new Promise<void>((resolve) => created.listen(0, '127.0.0.1', resolve));
  return [created, `http://127.0.0.1:${(created.address() as AddressInfo).port}`];
}

beforeAll(async () => {
  [server, base] = await start('https://shop.example, https://www.shop.example:8443');
  [openServer, openBase] = await start('*');
});
afterAll(async () => {
  await Promise.all([server, openServer].map((s) => new Promise((done) => s.close(done))));
});

describe('parseAllowedOrigins', () => {
  it('reads origins separated by commas and spaces, and * ', () => {
    expect([...parseAllowedOrigins(' https://a.example,http://b.example:8080  https://c.example ')]).toEqual([
      'https://a.example',
      'http://b.example:8080',
      'https://c.example',
    ]);
    expect([...parseAllowedOrigins('*')]).toEqual(['*']);
    expect(parseAllowedOrigins(undefined).size).toBe(0);
  });

  it('refuses what is not exactly an origin, naming the variable and value', () => {
    for (const bad of ['https://shop.example/', 'https://shop.example/path', 'shop.example', 'file:///etc', 'https://SHOP.example']) {
      expect(() => parseAllowedOrigins(bad), bad).toThrow(`RECO_ALLOWED_ORIGINS: ${JSON.stringify(bad)} is not an origin`);
    }
  });
});

describe('createCors', () => {
  it('names an allowed origin on reads and exposes the ETag', async () => {
    const response = await fetch(`${base}/models/v1/model.json`, { headers: { Origin: 'https://www.shop.example:8443' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://www.shop.example:8443');
    expect(response.headers.get('access-control-expose-headers')).toBe('ETag, Content-Length');
    expect(response.headers.get('vary')).toBe('Origin');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('sends no CORS headers to another origin or without an Origin (the content still goes to same-origin readers)', async () => {
    const attempts: Array<Record<string, string>> = [{ Origin: 'https://evil.example' }, { Origin: 'https://shop.example.evil.example' }, {}];
    for (const headers of attempts) {
      const response = await fetch(`${base}/models/v1/model.json`, { headers });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('vary')).toBe('Origin');
    }
  });

  it('answers a preflight from an allowed origin with 204 and the read-only methods', async () => {
    const response = await fetch(`${base}/models/v1/weights.bin`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'if-none-match' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, HEAD, OPTIONS');
    expect(response.headers.get('access-control-allow-headers')).toBe('If-None-Match');
    expect(response.headers.get('access-control-max-age')).toBe('300');
  });

  it('refuses a preflight from another origin with 403 and no CORS headers', async () => {
    const response = await fetch(`${base}/models/v1/weights.bin`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('with *, answers every origin with *', async () => {
    const response = await fetch(`${openBase}/models/v1/model.json`, { headers: { Origin: 'https://any.example' } });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});
