// @babychain/rpc: public surface. Nothing is exported until issue 5 implements this package (see README.md).
export {};
