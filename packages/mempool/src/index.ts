// @babychain/mempool: public surface. Nothing is exported until issue 3 implements this package (see README.md).
export {};
