import { BabyError, toHex, toJson } from '@babychain/codec';
import { encodeAddress } from '@babychain/crypto';
import { Command } from 'commander';
import { chainContext, formatAmount, parseWhole, resolveAddress, withNodeOption } from '../chain.ts';
import { CliErrorCode } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { printResult } from '../output.ts';

/** `baby query …`: read accounts, blocks and transactions from a node. */
export function queryCommand(io: CliIo): Command {
  const query = new Command('query').alias('q').description('read accounts, blocks and transactions from a node');

  withNodeOption(
    query
      .command('account')
      .description("an account's balance and nonce at the node's last committed height")
      .argument('<address>', 'a bech32m address, or the name of a key in the keyring'),
  ).action(async (text: string, _opts: unknown, cmd: Command) => {
    const ctx = chainContext(cmd, io);
    const { address } = resolveAddress(text, ctx);
    const account = await ctx.client().account(address);
    if (ctx.json) {
      printResult(io.stdout, true, {
        ...account,
        multisig:
          account.multisig === null
            ? null
            : { threshold: account.multisig.threshold, publicKeys: account.multisig.publicKeys.map((k) => toHex(k)) },
      });
      return;
    }
    printResult(io.stdout, false, {
      address: account.address,
      balance: formatAmount(account.balance),
      nonce: account.nonce,
      height: account.height,
      multisig: account.multisig === null ? undefined : multisigLabel(account.multisig),
    });
  });

  withNodeOption(
    query
      .command('block')
      .description('a committed block: hash, time, proposer and its transactions')
      .argument('<height>', 'a height, or "latest"'),
  ).action(async (text: string, _opts: unknown, cmd: Command) => {
    const ctx = chainContext(cmd, io);
    const height = text === 'latest' ? 'latest' : parseWhole(text, 'height');
    const block = await ctx.client().block(height);
    const { header } = block;
    if (ctx.json) {
      printResult(io.stdout, true, {
        height: block.height,
        hash: block.hash,
        header: toJson('babychain.v0.Header', header),
        txIds: block.txIds,
        txs: block.txs.map((tx) => toHex(tx)),
        commit: block.commit === null ? null : toJson('babychain.v0.Commit', block.commit),
      });
      return;
    }
    printResult(io.stdout, false, {
      height: block.height,
      hash: block.hash,
      time: new Date(Number(header.timeMs)).toISOString(),
      proposer: header.proposerAddress.length === 20 ? encodeAddress(header.proposerAddress, ctx.prefix) : undefined,
      appHash: toHex(header.appHash),
      txs: block.txIds.length,
      txIds: block.txIds.length > 0 ? block.txIds : undefined,
      signers: block.commit === null ? undefined : block.commit.signatures.length,
    });
  });

  withNodeOption(
    query
      .command('tx')
      .description('where a committed transaction is, and what it did')
      .argument('<id>', 'the transaction id (64 hex digits)'),
  ).action(async (text: string, _opts: unknown, cmd: Command) => {
    const ctx = chainContext(cmd, io);
    const id = text.toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(id)) throw new BabyError(CliErrorCode.BAD_ARGUMENT, 'a transaction id is 64 hex digits');
    const info = await ctx.client().tx(id);
    if (info === null) {
      throw new BabyError(CliErrorCode.NOT_FOUND, `no committed transaction ${id} (it may still be pending)`, { id });
    }
    if (ctx.json) {
      printResult(io.stdout, true, {
        id: info.id,
        height: info.height,
        index: info.index,
        sender: info.sender,
        tx: toJson('babychain.v0.Tx', info.tx),
        bytes: toHex(info.bytes),
      });
      return;
    }
    const body = info.tx.body;
    const transfer = body?.action?.case === 'transfer' ? body.action.value : undefined;
    printResult(io.stdout, false, {
      id: info.id,
      height: info.height,
      index: info.index,
      sender: info.sender,
      signer: body?.signer?.key?.case === 'multisig' ? multisigLabel(body.signer.key.value) : undefined,
      to: transfer === undefined ? undefined : encodeAddress(transfer.to, ctx.prefix),
      amount: transfer === undefined ? undefined : formatAmount(transfer.amount),
      fee: body === undefined ? undefined : formatAmount(body.fee),
      nonce: body?.nonce,
      memo: body?.memo === '' ? undefined : body?.memo,
      signatures: info.tx.signatures.length,
    });
  });

  return query;
}

function multisigLabel(key: { threshold: number; publicKeys: readonly Uint8Array[] }): string {
  return `multisig ${key.threshold} of ${key.publicKeys.length}: ${key.publicKeys.map((k) => toHex(k)).join(', ')}`;
}
