/**
 * SentencePiece unigram tokenizer for Universal Sentence Encoder lite, in plain TS (runs in workerd).
 *
 * The vocabulary (`vocab.json`) is `[piece, score][]` in id order; a score is the piece's log
 * probability under the unigram model. Encoding a text:
 *   1. normalise: NFKC, trim, collapse whitespace runs to one space (SentencePiece's default
 *      normaliser does this too, so the model never saw runs of spaces), then mark word starts the
 *      SentencePiece way: prefix "▁" and turn every space into "▁";
 *   2. segment: among all ways to split the code points into vocabulary pieces, take the one with the
 *      highest total score, by dynamic programming over end positions (Viterbi on the lattice of
 *      pieces, found with a trie walk from each start position);
 *   3. a position where no piece starts takes one code point as the unknown id 0 with score 0, and
 *      runs of unknowns merge into one, as the tfjs-models USE tokenizer does.
 * Ids 0–5 (unk, <s>, </s>, three extra control ids) are never produced by segmentation.
 */

export type Vocabulary = readonly (readonly [piece: string, score: number])[];

export const UNKNOWN_ID = 0;
const RESERVED_IDS = 6;
const WORD_START = "\u2581";

class TrieNode {
  readonly children = new Map<string, TrieNode>();
  /** Id of the piece that ends here, or -1. */
  id = -1;
  score = 0;
}

/** Text → code points in the form the vocabulary was built on. */
export function normalize(text: string): string[] {
  const collapsed = text.normalize("NFKC").trim().replace(/\s+/g, " ");
  if (collapsed === "") return [];
  return Array.from(WORD_START + collapsed.replaceAll(" ", WORD_START));
}

export class Tokenizer {
  private readonly root = new TrieNode();

  constructor(vocabulary: Vocabulary) {
    for (let id = RESERVED_IDS; id < vocabulary.length; id++) {
      const entry = vocabulary[id];
      if (entry) this.insert(entry[0], entry[1], id);
    }
  }

  private insert(piece: string, score: number, id: number): void {
    let node = this.root;
    for (const symbol of piece) {
      let child = node.children.get(symbol);
      if (!child) {
        child = new TrieNode();
        node.children.set(symbol, child);
      }
      node = child;
    }
    node.id = id;
    node.score = score;
  }

  encode(text: string): number[] {
    const symbols = normalize(text);
    const end = symbols.length;
    // bestScore[i]: score of the best segmentation of symbols[0, i); it ends with piece lastId[i],
    // which starts at lastStart[i].
    const bestScore = new Array<number>(end + 1).fill(Number.NEGATIVE_INFINITY);
    const lastId = new Array<number>(end + 1).fill(UNKNOWN_ID);
    const lastStart = new Array<number>(end + 1).fill(0);
    bestScore[0] = 0;

    const relax = (start: number, stop: number, id: number, score: number) => {
      const total = (bestScore[start] ?? Number.NEGATIVE_INFINITY) + score;
      if (total > (bestScore[stop] ?? Number.NEGATIVE_INFINITY)) {
        bestScore[stop] = total;
        lastId[stop] = id;
        lastStart[stop] = start;
      }
    };

    for (let start = 0; start < end; start++) {
      let node: TrieNode | undefined = this.root;
      let matched = false;
      for (let stop = start; stop < end && node; stop++) {
        node = node.children.get(symbols[stop] ?? "");
        if (node && node.id >= 0) {
          relax(start, stop + 1, node.id, node.score);
          matched = true;
        }
      }
      if (!matched) relax(start, start + 1, UNKNOWN_ID, 0);
    }

    const ids: number[] = [];
    for (let stop = end; stop > 0; stop = lastStart[stop] ?? 0) {
      const id = lastId[stop] ?? UNKNOWN_ID;
      const mergesWithNextUnknown = id === UNKNOWN_ID && ids.at(-1) === UNKNOWN_ID;
      if (!mergesWithNextUnknown) ids.push(id);
    }
    return ids.reverse();
  }
}
