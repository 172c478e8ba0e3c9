// @babychain/upgrade: public surface. Nothing is exported until issue 6 implements this package (see README.md).
export {};
