import type { RedisConnection } from './redisConnection';

/**
 * A change to a list of JSON strings (the shape `sessions/conversationStore.ts` plans): rewrite
 * it whole, or drop from the front, replace by index (after the drop) and append.
 */
export type RedisListWrite = { rewrite: string[] } | { dropFront: number; set: Array<[index: number, value: string]>; append: string[] };

/** One change to a kept conversation. Structurally the sessions layer's `ConversationWrite`. */
export interface RedisConversationWrite {
  meta?: { owner: string; data: string };
  history?: RedisListWrite;
  transcript?: RedisListWrite & { keepLast?: number };
}

/** What is kept for one session, raw (the sessions layer validates it). */
export interface RedisStoredConversation {
  owner: string;
  meta: string;
  history: string[];
  transcript: string[];
}

/** The store's methods (structurally the sessions layer's `ConversationStore`). */
export interface RedisConversationStore {
  write(id: string, change: RedisConversationWrite, ttlMs: number): Promise<void>;
  refresh(id: string, ttlMs: number): Promise<void>;
  load(id: string): Promise<RedisStoredConversation | undefined>;
  remove(id: string, owner: string): Promise<void>;
}

// Deletes the session's keys only while the caller still owns it (another node may have restored it).
const removeIfOwner = `
if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] then
  return redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
end
return 0`;

/**
 * The cluster's conversation store in Redis: per session a hash `conv:{ID}:meta` (owner node and
 * the description: identity, kind, resume-token hash) and two lists, `conv:{ID}:history` (model
 * turns) and `conv:{ID}:transcript` (what the teammate saw), one JSON string per entry. Every
 * write is one MULTI (atomic, one round trip) and sets all three keys to expire after the idle
 * timeout; after a plain turn it only appends. The `{ID}` hash tag keeps a session's keys in one
 * slot. Commands fail fast while Redis is down (the connection has no offline queue): the caller
 * keeps serving from memory and rewrites when Redis is back.
 */
export function redisConversationStore(link: RedisConnection | (() => RedisConnection | undefined)): RedisConversationStore {
  const connection = (): RedisConnection => {
    const current = typeof link === 'function' ? link() : link;
    if (!current) throw new Error('not connected to the cluster store yet');
    return current;
  };
  const names = (id: string) => ({
    meta: connection().key('conv', `{${id}}`, 'meta'),
    history: connection().key('conv', `{${id}}`, 'history'),
    transcript: connection().key('conv', `{${id}}`, 'transcript'),
  });
  const client = () => connection().client;

  return {
    async write(id: string, change: RedisConversationWrite, ttlMs: number): Promise<void> {
      const key = names(id);
      const multi = client().multi();
      if (change.meta) multi.hset(key.meta, 'owner', change.meta.owner, 'data', change.meta.data);
      const list = (name: string, write: RedisListWrite | undefined, keepLast?: number): void => {
        if (!write) return;
        if ('rewrite' in write) {
          multi.del(name);
          if (write.rewrite.length > 0) multi.rpush(name, ...write.rewrite);
        } else {
          if (write.dropFront > 0) multi.ltrim(name, write.dropFront, -1);
          for (const [index, value] of write.set) multi.lset(name, index, value);
          if (write.append.length > 0) multi.rpush(name, ...write.append);
        }
        if (keepLast !== undefined) multi.ltrim(name, -keepLast, -1);
      };
      list(key.history, change.history);
      list(key.transcript, change.transcript, change.transcript?.keepLast);
      for (const name of [key.meta, key.history, key.transcript]) multi.pexpire(name, Math.max(1, Math.round(ttlMs)));
      const results = await multi.exec();
      // A command inside MULTI can fail alone (LSET on a list that expired): the caller then rewrites.
      const failed = results?.find(([error]) => error);
      if (!results || failed) throw failed?.[0] ?? new Error('the conversation write was not applied');
    },

    async refresh(id: string, ttlMs: number): Promise<void> {
      const key = names(id);
      const ms = Math.max(1, Math.round(ttlMs));
      await client().multi().pexpire(key.meta, ms).pexpire(key.history, ms).pexpire(key.transcript, ms).exec();
    },

    async load(id: string): Promise<RedisStoredConversation | undefined> {
      const key = names(id);
      const results = await client().multi().hgetall(key.meta).lrange(key.history, 0, -1).lrange(key.transcript, 0, -1).exec();
      if (!results) return undefined;
      for (const [error] of results) if (error) throw error;
      const meta = results[0]?.[1] as Record<string, string> | undefined;
      if (!meta?.data || !meta.owner) return undefined;
      return {
        owner: meta.owner,
        meta: meta.data,
        history: (results[1]?.[1] as string[] | undefined) ?? [],
        transcript: (results[2]?.[1] as string[] | undefined) ?? [],
      };
    },

    async remove(id: string, owner: string): Promise<void> {
      const key = names(id);
      await client().eval(removeIfOwner, 3, key.meta, key.history, key.transcript, owner);
    },
  };
}
