# Make rules for the .c++ glue (auto/make only knows .c .cc .cpp .S).
# Sourced by auto/make after it has written the module's own rules.

callexa_glue_src="$ngx_addon_dir/ngx_callexa_module.c++"
callexa_core_headers="`find $ngx_addon_dir/src -name node_modules -prune -o -name '*.h' -print | LC_ALL=C sort | tr '\n' ' '`"

case " $DYNAMIC_ADDONS " in
    *" $ngx_addon_dir "*)
        callexa_linked="$NGX_OBJS/ngx_http_callexa_module$ngx_modext" ;;
    *)
        callexa_linked="$NGX_OBJS/nginx$ngx_binext" ;;
esac

mkdir -p "$NGX_OBJS/addon/callexa"

cat << END                                                  >> $NGX_MAKEFILE

$callexa_linked: $callexa_glue_obj

$callexa_glue_obj: \$(CORE_DEPS) \$(HTTP_DEPS) $callexa_glue_src $callexa_core_headers
	\$(CC) -c -x c++ -std=c++17 -fvisibility=hidden $ngx_pic_opt \$(CFLAGS) \$(ALL_INCS) \\
		-o $callexa_glue_obj $callexa_glue_src

END
