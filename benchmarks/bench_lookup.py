"""Prompt-lookup decoding (llama-cpp-python's ``LlamaPromptLookupDecoding``) on a brief's own
plain-text calls, against plain greedy decoding on the same weights, in one run.

The calls are those of a brief of ``examples/zh_h200_netease.txt`` (read from the response cache
when the brief has run before, else made once): the translation calls, which are plain text and
most of the brief's completion tokens. Each is replayed on two fresh models, one with the draft
model and one without, with the prompt read anew for every call (no KV cache carried from the
previous call, the same for both). The JSON calls are left out: their grammar-checked sampling
(``backends.grammar_sampling``) is our own sampler, which the draft model would bypass.

Prints the generation time of each mode, their ratio, and how many replies differ (greedy
speculative decoding should change none).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from summarizer.backends.base import Completion, Request
from summarizer.backends.local import N_CTX, local_spec
from summarizer.backends.weights import ensure_weights
from summarizer.config import Settings
from summarizer.factory import make_backend
from summarizer.ingest import load_article
from summarizer.tasks.brief import make_brief

ROOT = Path(__file__).parent.parent
ARTICLE = ROOT / "examples" / "zh_h200_netease.txt"
TARGET = "US export controls on AI chips to China"


class Recorder:
    """A backend that passes every request on and keeps it."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.capabilities = inner.capabilities
        self.requests: list[Request] = []

    def complete(self, request: Request) -> Completion:
        self.requests.append(request)
        completion: Completion = self.inner.complete(request)
        return completion

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def brief_requests(settings: Settings) -> list[Request]:
    recorder = Recorder(make_backend(settings, settings.model))
    make_brief(load_article(ARTICLE), recorder, model=settings.model, target=TARGET)
    return [r for r in recorder.requests if r.schema is None and r.temperature == 0]


def replay(requests: list[Request], model_path: Path, draft: Any) -> tuple[float, list[str], int]:
    from llama_cpp import Llama

    llama: Any = Llama(model_path=str(model_path), n_ctx=N_CTX, draft_model=draft, verbose=False)
    replies, tokens, spent = [], 0, 0.0
    for request in requests:
        llama.reset()  # every call reads its prompt anew, in both modes
        start = time.perf_counter()
        out: Any = llama.create_chat_completion(
            messages=list(request.messages), temperature=0.0, max_tokens=request.max_tokens
        )
        spent += time.perf_counter() - start
        replies.append(out["choices"][0]["message"]["content"] or "")
        tokens += out["usage"]["completion_tokens"]
    llama.close()
    return spent, replies, tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pred-tokens", type=int, default=10, help="draft tokens per step")
    parser.add_argument("--ngram", type=int, default=2, help="n-gram size looked up in the prompt")
    args = parser.parse_args()
    from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

    settings = Settings()
    requests = brief_requests(settings)
    model_path = ensure_weights(local_spec(settings.model), settings.resolved_cache_dir())
    plain_s, plain, tokens = replay(requests, model_path, None)
    draft = LlamaPromptLookupDecoding(max_ngram_size=args.ngram, num_pred_tokens=args.pred_tokens)
    lookup_s, looked_up, _ = replay(requests, model_path, draft)
    differ = sum(a != b for a, b in zip(plain, looked_up, strict=True))
    print(f"{len(requests)} plain-text calls of the brief, {tokens} completion tokens")
    print(f"greedy: {plain_s:.1f} s")
    print(f"prompt lookup (n-gram {args.ngram}, {args.pred_tokens} draft tokens): {lookup_s:.1f} s")
    print(f"lookup/greedy {lookup_s / plain_s:.2f}; replies differing: {differ} of {len(requests)}")


if __name__ == "__main__":
    main()
