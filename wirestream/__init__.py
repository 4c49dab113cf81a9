"""wirestream: live wire feeds to structured data.

The card's top-level folders (streams/, processors/, config/) are this
package's subpackages: links here in a checkout, copies in the wheel.
"""
