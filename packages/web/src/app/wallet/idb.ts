/** The browser's KeyStore: sealed key records in IndexedDB, one object store keyed by the key's name. */
import { type KeyRecord, type KeyStore, nameTaken } from './vault.ts';

const DB = 'babychain-wallet';
const STORE = 'keys';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

let opened: Promise<IDBDatabase> | undefined;

function database(): Promise<IDBDatabase> {
  opened ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'name' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => {
      opened = undefined;
      reject(req.error);
    };
  });
  return opened;
}

async function store(mode: IDBTransactionMode): Promise<IDBObjectStore> {
  return (await database()).transaction(STORE, mode).objectStore(STORE);
}

export const indexedDbStore: KeyStore = {
  async list() {
    const records = (await request((await store('readonly')).getAll())) as KeyRecord[];
    return records.sort((a, b) => a.createdMs - b.createdMs);
  },
  async get(name) {
    return (await request((await store('readonly')).get(name))) as KeyRecord | undefined;
  },
  async add(record) {
    try {
      // `add`, not `put`: a second key under a taken name must never overwrite the first (its coins' only copy)
      await request((await store('readwrite')).add(record));
    } catch (err) {
      if (err instanceof DOMException && err.name === 'ConstraintError') throw nameTaken(record.name);
      throw err;
    }
  },
  async remove(name) {
    await request((await store('readwrite')).delete(name));
  },
};
