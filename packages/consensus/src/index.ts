// @babychain/consensus: public surface. Nothing is exported until issue 4 implements this package (see README.md).
export {};
