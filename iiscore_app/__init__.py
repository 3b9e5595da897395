"""The Streamlit app's helpers: state (session and URL), views (tables and charts), ui (shared drawing)."""
