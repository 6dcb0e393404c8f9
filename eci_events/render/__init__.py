"""Renderers: pure functions from data to text or rich renderables."""
