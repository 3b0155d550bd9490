import { describe, expect, it } from 'vitest';
import { safeImageUrl } from './cards.js';

const catalog = 'https://cdn.shop.example/models/v1/catalog.json';
const page = 'https://shop.example';

describe('safeImageUrl', () => {
  it('keeps data:image URIs and same-origin or catalog-relative http(s) URLs', () => {
    expect(safeImageUrl('data:image/png;base64,AAAA', catalog, page)).toBe('data:image/png;base64,AAAA');
    expect(safeImageUrl('data:image/svg+xml,%3Csvg%3E', catalog, page)).toBe('data:image/svg+xml,%3Csvg%3E');
    expect(safeImageUrl('img/1.webp', catalog, page)).toBe('https://cdn.shop.example/models/v1/img/1.webp');
    expect(safeImageUrl('https://shop.example/p/1.jpg', catalog, page)).toBe('https://shop.example/p/1.jpg');
  });
  it('drops script URLs, other schemes, non-image data and third-party hosts', () => {
    for (const hostile of [
      'javascript:alert(1)',
      ' JaVaScRiPt:window.pwned=1',
      'vbscript:msgbox(1)',
      'data:text/html,<script>alert(1)</script>',
      'data:image/png', // no payload separator
      'https://tracker.example/pixel.gif',
      '//tracker.example/pixel.gif',
      'blob:https://shop.example/uuid',
      'file:///etc/passwd',
    ]) {
      expect(safeImageUrl(hostile, catalog, page), hostile).toBeNull();
    }
    expect(safeImageUrl(undefined, catalog, page)).toBeNull();
    expect(safeImageUrl('', catalog, page)).toBeNull();
  });
});
