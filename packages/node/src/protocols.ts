/** P2P-3..P2P-6: the gossip topics and request/response protocols of one chain. */
export const topics = {
  consensus: (chainId: string) => `/babychain/${chainId}/consensus/0`,
  txs: (chainId: string) => `/babychain/${chainId}/txs/0`,
};

export const protocols = {
  blocks: (chainId: string) => `/babychain/${chainId}/sync/blocks/0`,
  catchUp: (chainId: string) => `/babychain/${chainId}/consensus/catchup/0`,
};
