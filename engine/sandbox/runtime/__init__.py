"""Code that runs in the zygote and in the sandboxed children.

Every module here imports only the standard library, NumPy and its siblings (relative imports),
because the zygote loads this folder as a stand-alone package: the service's own packages
(``engine``, ``content``, ``app``) are never imported there, so a submission cannot borrow a
reference implementation from memory. The one exception to "NumPy only" is ``torch_drivers``,
which imports torch and is loaded only by the PyTorch zygote.
"""
