"""LLM adapters: the OpenAI-compatible extractor and a local fake OpenAI server for tests."""
