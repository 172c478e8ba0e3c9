/** P2P-3..P2P-6: the gossip topics and request/response protocols of one chain, under its `networkName` (P2P-2). */
export const topics = {
  consensus: (network: string) => `${network}/consensus/0`,
  txs: (network: string) => `${network}/txs/0`,
};

export const protocols = {
  blocks: (network: string) => `${network}/sync/blocks/0`,
  catchUp: (network: string) => `${network}/consensus/catchup/0`,
};
