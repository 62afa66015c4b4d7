"""The organization office (组织办) for pingan; its plugin is `pingan_organization.plugin`."""
