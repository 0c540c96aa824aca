"""Many articles: inputs, the append-only results file, and the engines that run them (threads
here, or a Dask cluster), all behind one ``BatchEngine`` interface."""
