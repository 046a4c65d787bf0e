"""An example Django project that embeds weekplan: settings, URLs and JSON views."""
