"""The organization office (组织办) for pingan; the plugin itself is `pingan_organization.plugin`."""
