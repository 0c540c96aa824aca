"""Generation speed through our backend (litellm custom provider ``local``) against raw
llama-cpp-python on the same loaded model and the same prompt, in one run."""

from __future__ import annotations

import time

from summarizer.backends.base import Request
from summarizer.backends.litellm_backend import LiteLLMBackend
from summarizer.backends.local import get_local_model
from summarizer.config import Settings

MODEL = "local/qwen2.5-coder-1.5b"
MESSAGES = [
    {"role": "system", "content": "You are a helpful assistant that writes English."},
    {
        "role": "user",
        "content": "Write a 150-word news paragraph about NVIDIA selling H200 chips to China.",
    },
]
MAX_TOKENS = 200
ROUNDS = 3


def main() -> None:
    cache_dir = Settings().resolved_cache_dir()
    local = get_local_model(MODEL, cache_dir)
    backend = LiteLLMBackend(cache_dir, MODEL)
    request = Request(model=MODEL, messages=tuple(MESSAGES), max_tokens=MAX_TOKENS)
    backend.complete(request)  # warm up litellm's import and the KV cache for the prompt

    raw_rates, our_rates = [], []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        raw = local._llama.create_chat_completion(
            messages=MESSAGES, temperature=0.0, max_tokens=MAX_TOKENS, seed=0
        )
        raw_rates.append(raw["usage"]["completion_tokens"] / (time.perf_counter() - start))
        start = time.perf_counter()
        ours = backend.complete(request)
        our_rates.append(ours.completion_tokens / (time.perf_counter() - start))
    raw_best, our_best = max(raw_rates), max(our_rates)
    print(
        f"raw llama-cpp-python: {raw_best:.1f} tokens/s; through our backend: {our_best:.1f} tokens/s"
    )
    print(f"ratio {our_best / raw_best:.3f} (target >= 0.95); {ROUNDS} rounds each, best of each")


if __name__ == "__main__":
    main()
