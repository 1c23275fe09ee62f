return __PASCAL__.ToolApp.Run(args, Console.Out, Console.Error);
