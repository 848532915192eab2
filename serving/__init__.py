"""Ways to serve the gallery's models beyond this process: `ray_backend` (python app.py --serve
ray) and `sticky_proxy` (several UI processes behind one address, each session kept on one)."""
