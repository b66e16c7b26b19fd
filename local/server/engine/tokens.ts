import { createHmac, timingSafeEqual } from 'node:crypto';
import { validation } from '../protocol/faults.js';

export type TokenKind = 'decision' | 'activity';

const DAY_MS = 24 * 3600 * 1000;

/**
 * Task and page tokens: opaque to clients, signed with the server's secret (kept in the store, so tokens survive
 * a restart), so a forged or altered token is refused instead of acting on something.
 */
export class TokenSigner {
  constructor(private readonly secret: Buffer) {}

  taskToken(kind: TokenKind, runId: string, scheduledEventId: number, nonce: string): string {
    return this.sign({ k: kind === 'decision' ? 'd' : 'a', r: runId, s: scheduledEventId, n: nonce });
  }

  readTaskToken(token: string): { kind: TokenKind; runId: string; scheduledEventId: number; nonce: string } {
    const body = this.verify(token, 'taskToken') as { k?: string; r?: string; s?: number; n?: string };
    if (
      (body.k !== 'd' && body.k !== 'a') ||
      typeof body.r !== 'string' ||
      typeof body.s !== 'number' ||
      typeof body.n !== 'string'
    ) {
      throw validation('Invalid taskToken: it was not issued by this server');
    }
    return {
      kind: body.k === 'd' ? 'decision' : 'activity',
      runId: body.r,
      scheduledEventId: body.s,
      nonce: body.n,
    };
  }

  /** A page token bound to one request (`scope`) that expires after 24 hours, as SWF's do. */
  pageToken(scope: string, payload: Record<string, unknown>, now: number): string {
    return this.sign({ p: scope, t: now, ...payload });
  }

  readPageToken(token: string, scope: string, now: number): Record<string, unknown> {
    const body = this.verify(token, 'nextPageToken') as { p?: string; t?: number };
    if (body.p !== scope) throw validation('Invalid nextPageToken: it belongs to another request');
    if (typeof body.t !== 'number' || now - body.t > DAY_MS)
      throw validation('Specified token has exceeded its maximum lifetime');
    return body;
  }

  private sign(payload: Record<string, unknown>): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url').slice(0, 22);
  }

  private verify(token: string, member: string): Record<string, unknown> {
    const refused = () => validation(`Invalid ${member}: it was not issued by this server`);
    const [body, mac, extra] = token.split('.');
    if (!body || !mac || extra !== undefined) throw refused();
    const given = Buffer.from(mac);
    const expected = Buffer.from(this.mac(body));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refused();
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      throw refused();
    }
  }
}
