mesh_name = "shop"
