"""Snapshots of the local model's KV cache, so a prompt that starts like an earlier one (not the
one just before it) is not read again from its first token.

llama-cpp-python keeps the KV cache of the previous call and reuses it for the longest common
prefix with the next prompt. A brief's translation alternates between two prompts: paragraphs
that name a person or firm of the glossary get the instructed prompt (a system prompt of about
180 tokens), the others the plain one (Qwen's default system prompt). Each switch back to the
instructed prompt read its system prompt again; the README example has about ten such switches
among its 46 translation calls. Measured on two cores, a short instructed call after a plain one
took 3.2 s, and 1.2 s when it started from the snapshot taken after the previous instructed call
(the same reply). llama-cpp-python's own ``LlamaRAMCache`` does the same, but each of its entries
also copies the logits buffer (a row of the 151,936-token vocabulary per token, up to 512 rows:
0.6 MB a token, 300 MB at most); a snapshot
here holds the KV cells of one sequence only, about 29 KB a token: 7 MB for a translation call,
52 MB for a whole article, saved in 4 ms to 34 ms and restored in 1 ms to 6 ms.
"""

from __future__ import annotations

import ctypes
from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import llama_cpp

from summarizer.backends.grammar_sampling import GrammarCheckedLlama

SEQUENCE = 0  # llama-cpp-python runs one sequence per context
BUDGET_BYTES = 192 * 2**20  # the snapshots kept at once, oldest used dropped first
# Restore only when the snapshot saves reading at least this many tokens more than the context
# already holds: reading a token costs about 10 ms on two cores, a restore 1 ms to 6 ms.
MIN_GAIN_TOKENS = 16


def common_prefix(a: Iterable[Any], b: Iterable[Any]) -> int:
    """How many leading tokens ``a`` and ``b`` share."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


@dataclass
class Snapshot:
    tokens: list[int]
    state: bytearray  # the KV cells of the sequence, as llama.cpp writes them


class PrefixSnapshots:
    """The KV state after recent calls, restored into a ``Llama`` when one of them shares a
    longer prefix with the next prompt than the context does. Not thread-safe: the caller holds
    the model's lock, as for every other use of the context."""

    def __init__(self, budget_bytes: int = BUDGET_BYTES, min_gain: int = MIN_GAIN_TOKENS) -> None:
        self.budget_bytes = budget_bytes
        self.min_gain = min_gain
        self._snapshots: list[Snapshot] = []  # least recently used first
        self.restored = 0  # how many prompts started from a snapshot

    def __len__(self) -> int:
        return len(self._snapshots)

    def save(self, llama: Any) -> None:
        """Keep the context's current state (the last prompt and its reply)."""
        tokens = [int(t) for t in llama._input_ids]
        if not tokens:
            return
        ctx = llama._ctx.ctx
        size = llama_cpp.llama_state_seq_get_size(ctx, SEQUENCE)
        if size <= 0 or size > self.budget_bytes:
            return
        # Written straight into a bytearray: slicing a ctypes array builds a list of ints, which
        # cost 0.6 s a call for the brief's few megabytes, more than the reading it saves.
        state = bytearray(size)
        written = llama_cpp.llama_state_seq_get_data(
            ctx, (ctypes.c_uint8 * size).from_buffer(state), size, SEQUENCE
        )
        if written <= 0:
            return
        del state[written:]
        # A snapshot whose tokens all begin the new one is covered by it.
        self._snapshots = [
            s for s in self._snapshots if common_prefix(s.tokens, tokens) < len(s.tokens)
        ]
        self._snapshots.append(Snapshot(tokens, state))
        while sum(len(s.state) for s in self._snapshots) > self.budget_bytes:
            self._snapshots.pop(0)

    def restore_for(self, llama: Any, prompt: Sequence[int]) -> bool:
        """Load the snapshot that shares the longest prefix with ``prompt`` when it beats the
        context's own by ``min_gain`` tokens; llama-cpp-python then reads only the rest. True
        when one was loaded."""
        held = common_prefix(llama._input_ids, prompt)
        best, best_len = None, held + self.min_gain - 1
        for snapshot in self._snapshots:
            shared = common_prefix(snapshot.tokens, prompt)
            if shared > best_len:
                best, best_len = snapshot, shared
        if best is None:
            return False
        size = len(best.state)
        state = (ctypes.c_uint8 * size).from_buffer(best.state)
        loaded = llama_cpp.llama_state_seq_set_data(llama._ctx.ctx, state, size, SEQUENCE)
        if loaded != size:  # the context is left empty: read the prompt in full
            llama.n_tokens = 0
            return False
        llama.input_ids[: len(best.tokens)] = best.tokens
        llama.n_tokens = len(best.tokens)
        llama._requires_eval = True  # the logits are not the snapshot's: read at least a token
        self._snapshots.remove(best)
        self._snapshots.append(best)
        self.restored += 1
        return True


class SnapshotLlama(GrammarCheckedLlama):
    """``GrammarCheckedLlama`` that starts each prompt from the best of its recent snapshots and
    counts the prompt tokens it actually reads (``prompt_tokens_read``; the usage it reports
    counts every token of the prompt, read or reused). ``remember()`` after a call keeps its
    state; ``snapshots = None`` turns the snapshots off (for comparisons and tests)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.snapshots: PrefixSnapshots | None = PrefixSnapshots()
        self.prompt_tokens_read = 0

    def generate(  # the stock keywords pass through unchanged
        self, tokens: Sequence[int], *args: Any, **kwargs: Any
    ) -> Generator[int, Sequence[int] | None, None]:
        prompt = list(tokens)
        if kwargs.get("reset", True) and prompt:
            if self.snapshots is not None:
                self.snapshots.restore_for(self, prompt)
            held = common_prefix(self._input_ids, prompt)
            self.prompt_tokens_read += max(1, len(prompt) - held)
        yield from super().generate(prompt, *args, **kwargs)

    def remember(self) -> None:
        """Snapshot the state the last call left (when snapshots are on)."""
        if self.snapshots is not None:
            self.snapshots.save(self)
